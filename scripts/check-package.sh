#!/usr/bin/env bash
# Packs SiemActors.Kafka (dotnet pack: the library, its XML docs and README.md) into artifacts/packages, then builds and
# runs a project outside this repository that references the package from there, as another Akka.NET user would:
# proof that the package is usable as it is. Called by scripts/test.sh after the build; needs the build's output.
set -euo pipefail
cd "$(dirname "$0")/.."

out="$PWD/artifacts/packages"
rm -rf "$out"
dotnet pack src/SiemActors.Kafka -c Release --no-build -o "$out" --nologo -v quiet
package=$(ls "$out"/SiemActors.Kafka.*.nupkg)
version=$(basename "$package" .nupkg); version=${version#SiemActors.Kafka.}
for entry in README.md lib/net10.0/SiemActors.Kafka.dll lib/net10.0/SiemActors.Kafka.xml; do
  # Entry names are stored as plain text in a zip's headers (no unzip needed on a fresh machine).
  grep -aq "$entry" "$package" || { echo "package: $entry missing from $package" >&2; exit 1; }
done

# A consumer of the package, outside the repository (none of its Directory.*.props apply). The global package cache
# may hold an older build of the same version: drop it so the one just packed is the one used.
cache=$(dotnet nuget locals global-packages --list | sed 's/^global-packages: //')
rm -rf "$cache/siemactors.kafka/$version"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/consumer.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <Nullable>enable</Nullable>
    <ImplicitUsings>enable</ImplicitUsings>
    <RestoreAdditionalProjectSources>$out</RestoreAdditionalProjectSources>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="SiemActors.Kafka" Version="$version" />
  </ItemGroup>
</Project>
XML
cat > "$dir/Program.cs" <<'CS'
using Akka.Actor;
using Confluent.Kafka;
using SiemActors.Kafka.Dsl;
using SiemActors.Kafka.Settings;

using var system = ActorSystem.Create("package-check");
var consumer = ConsumerSettings<string, string>.Create(system, Deserializers.Utf8, Deserializers.Utf8).WithGroupId("g");
var producer = ProducerSettings<string, string>.Create(system, Serializers.Utf8, Serializers.Utf8);
_ = KafkaProducer.PlainSink(producer.WithBootstrapServers("127.0.0.1:1"));
Console.WriteLine($"poll-timeout {consumer.PollTimeout.TotalMilliseconds} ms, producer close-timeout {producer.CloseTimeout.TotalSeconds} s");
CS
result=$(dotnet run --project "$dir/consumer.csproj" -c Release --nologo -v quiet 2>&1) || { echo "$result" >&2; echo "package: the consumer project failed" >&2; exit 1; }
echo "$result" | grep -q "poll-timeout 50 ms, producer close-timeout 60 s" || { echo "package: unexpected output: $result" >&2; exit 1; }
echo "package: $package ($(du -k "$package" | cut -f1) KiB) built and used by a project outside the repository: $result"
