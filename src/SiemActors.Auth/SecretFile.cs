using System.Text;

namespace SiemActors.Auth;

/// <summary>
/// A secret kept in a local file readable only by its owner (mode 0600): read when it exists, else created with
/// <c>generate()</c>. Used for the JWT secret and the management token of local runs, shared by the node and siemctl.
/// </summary>
public static class SecretFile
{
    public static string ReadOrCreate(string file, Func<string> generate)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        try
        {
            // CreateNew: when two processes start together, one creates the file and the other reads it.
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using var stream = new FileStream(file, options);
            var secret = generate();
            stream.Write(Encoding.UTF8.GetBytes(secret));
            return secret;
        }
        catch (IOException) when (File.Exists(file))
        {
            for (var attempt = 0; ; attempt++)
            {
                var text = File.ReadAllText(file).Trim();
                if (text.Length > 0 || attempt == 50) return text;
                Thread.Sleep(20); // startup only, never in an actor: the creator has not written it yet
            }
        }
    }
}
