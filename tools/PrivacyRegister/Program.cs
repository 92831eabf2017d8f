using Jimp.PrivacyRegister;

// Usage: dotnet run --project tools/PrivacyRegister -- docs/privacy/register.md   (no argument: print to stdout)
var markdown = RegisterRenderer.RenderCurrent();
if (args.Length == 0)
{
    Console.Out.Write(markdown);
    return 0;
}
if (args.Length > 1)
{
    await Console.Error.WriteLineAsync("Usage: PrivacyRegister [output.md]");
    return 2;
}
await File.WriteAllTextAsync(args[0], markdown, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
await Console.Out.WriteLineAsync($"Wrote {args[0]}");
return 0;
