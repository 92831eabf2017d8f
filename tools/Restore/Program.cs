using Jimp.Restore;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await RestoreCommand.RunAsync(args, Console.Out, Console.Error, settings: null, cancel.Token);
