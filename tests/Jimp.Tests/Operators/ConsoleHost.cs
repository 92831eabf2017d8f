using Jimp.Tests.Support;

namespace Jimp.Tests.Operators;

/// <summary>
/// A shared host whose Operators:Addresses lists fresh addresses: each test takes one (the dev mailbox is shared
/// by every run, so an address is never reused).
/// </summary>
public sealed class ConsoleHost : SharedHost
{
    private readonly string[] operators = Enumerable.Range(0, 40).Select(_ => Users.NewEmail("operator")).ToArray();
    private int next = -1;

    protected override void Configure(JimpTestHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Settings["Operators:Addresses"] = string.Join(", ", operators);
    }

    public string NextOperator() => operators[Interlocked.Increment(ref next)];
}
