using Jimp.TrendImport;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await ImportCommand.RunAsync(args, Console.Out, Console.Error, settings: null, cancel.Token);
