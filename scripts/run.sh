#!/usr/bin/env bash
# Runs SiemActors locally on the embedded default. Today that is the embedded Kafka broker with the pipeline's
# topics (siemctl kafka up), in the foreground until Ctrl+C; the node, the sinks, the generator and the UI join it
# as they land (see README).
set -euo pipefail
cd "$(dirname "$0")/.."

dotnet build src/SiemActors.Cli/SiemActors.Cli.csproj -c Release -v quiet -nologo
exec dotnet src/SiemActors.Cli/bin/Release/net10.0/siemctl.dll kafka up "$@"
