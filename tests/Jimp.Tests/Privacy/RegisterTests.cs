using Jimp.Functions.Privacy;
using Jimp.PrivacyRegister;

namespace Jimp.Tests.Privacy;

/// <summary>The committed record of processing (<c>docs/privacy/register.md</c>) is what the code declares today.</summary>
public sealed class RegisterTests
{
    [Fact]
    public void The_register_is_current()
    {
        var expected = RegisterRenderer.RenderCurrent();
        var path = RepositoryFiles.Path("docs", "privacy", "register.md");
        Assert.True(File.Exists(path), $"docs/privacy/register.md is missing: run {RegisterRenderer.Script} and commit the result.");
        var actual = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (actual == expected) return;

        var want = expected.Split('\n');
        var have = actual.Split('\n');
        var line = Enumerable.Range(0, Math.Max(want.Length, have.Length))
            .First(i => i >= want.Length || i >= have.Length || want[i] != have[i]);
        Assert.Fail($"docs/privacy/register.md is out of date: run {RegisterRenderer.Script} and commit the result. " +
            $"First difference at line {line + 1}: expected \"{(line < want.Length ? want[line] : "<end>")}\", found \"{(line < have.Length ? have[line] : "<end>")}\".");
    }

    [Fact]
    public void The_register_lists_every_declared_store_and_every_store_without_personal_data()
    {
        var registry = RegisterRenderer.LoadRegistry();
        var stores = registry.Stores;
        var register = RegisterRenderer.Render(stores, registry.NonPersonal, 16);
        Assert.NotEmpty(stores);
        foreach (var store in stores)
        {
            Assert.Contains($"`{store.Name}`", register, StringComparison.Ordinal);
            Assert.Contains(store.Retention, register, StringComparison.Ordinal);
            Assert.Contains(store.LegalBasis, register, StringComparison.Ordinal);
        }
        Assert.NotEmpty(registry.NonPersonal);
        foreach (var name in registry.NonPersonal.Keys)
        {
            Assert.Contains($"`{name}`", register, StringComparison.Ordinal);
        }
        Assert.DoesNotContain(DateTime.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-", register, StringComparison.Ordinal);
    }
}
