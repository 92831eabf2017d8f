using Jimp.OpenApi;

// Usage: dotnet run --project tools/OpenApi -- docs/openapi.json   (no argument: print to stdout). scripts/openapi.sh
// also regenerates the web's types from it.
var json = OpenApiRenderer.RenderCurrent();
if (args.Length == 0)
{
    Console.Out.Write(json);
    return 0;
}
if (args.Length > 1)
{
    await Console.Error.WriteLineAsync("Usage: Jimp.OpenApi [openapi.json]");
    return 2;
}
await File.WriteAllTextAsync(args[0], json, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
await Console.Out.WriteLineAsync($"Wrote {args[0]}");
return 0;
