using Jimp.Tests.Support;

namespace Jimp.Tests.Platform;

public sealed class LongestFirstTests
{
    [Fact]
    public void Every_collection_the_orderer_starts_first_is_a_test_class_or_a_named_collection_of_this_assembly()
    {
        var assembly = typeof(LongestFirst).Assembly;
        var classes = assembly.GetTypes().Where(t => t.GetMethods().Any(m => m.GetCustomAttributes(typeof(FactAttribute), true).Length > 0)).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var named = assembly.GetTypes().SelectMany(t => t.CustomAttributes).Where(a => a.AttributeType == typeof(CollectionDefinitionAttribute))
            .Select(a => (string)a.ConstructorArguments[0].Value!).ToHashSet(StringComparer.Ordinal);
        Assert.All(LongestFirst.Longest, name => Assert.True(classes.Contains(name) || named.Contains(name), $"{name} is neither a test class nor a collection"));
        Assert.Equal(LongestFirst.Longest.Count, LongestFirst.Longest.Distinct(StringComparer.Ordinal).Count());
    }
}
