using System.Reflection;
using Jimp.Functions.Platform;
using Jimp.Tests.Support;
using Microsoft.Azure.Functions.Worker;

namespace Jimp.Tests.Platform;

public sealed class AuthorizationMatrixTests
{
    /// <summary>Every HTTP function of the app, found by reflection.</summary>
    public static IReadOnlyList<MethodInfo> HttpFunctions { get; } = typeof(JimpServiceCollectionExtensions).Assembly.GetTypes()
        .SelectMany(t => t.GetMethods())
        .Where(m => m.GetCustomAttribute<FunctionAttribute>() is not null
                    && m.GetParameters().Any(p => p.GetCustomAttribute<HttpTriggerAttribute>() is not null))
        .ToList();

    private static string NameOf(MethodInfo m) => m.GetCustomAttribute<FunctionAttribute>()!.Name;

    private static AuthorizationLevel LevelOf(MethodInfo m) =>
        m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).First(a => a is not null)!.AuthLevel;

    [Fact]
    public void Every_http_function_is_public_operator_or_in_the_matrix()
    {
        Assert.NotEmpty(HttpFunctions);
        var uncovered = HttpFunctions
            .Where(m => m.GetCustomAttribute<PublicEndpointAttribute>() is null)
            .Where(m => LevelOf(m) == AuthorizationLevel.Anonymous)
            .Select(NameOf)
            .Where(name => !AuthorizationMatrix.Cases.ContainsKey(name) && !AuthorizationMatrix.ConsoleCases.ContainsKey(name))
            .ToList();
        Assert.True(uncovered.Count == 0, "HTTP functions with no row in the authorization matrix: " + string.Join(", ", uncovered));
    }

    [Fact]
    public void Operator_functions_are_in_the_operator_matrix()
    {
        var uncovered = HttpFunctions
            .Where(m => LevelOf(m) != AuthorizationLevel.Anonymous)
            .Select(NameOf)
            .Where(name => !AuthorizationMatrix.OperatorCases.ContainsKey(name))
            .ToList();
        Assert.True(uncovered.Count == 0, "Operator functions with no row in the operator matrix: " + string.Join(", ", uncovered));
    }

    [Fact]
    public void Public_endpoints_say_why_and_matrix_rows_name_real_functions()
    {
        foreach (var m in HttpFunctions)
        {
            if (m.GetCustomAttribute<PublicEndpointAttribute>() is { } pub)
            {
                Assert.False(string.IsNullOrWhiteSpace(pub.Reason), $"{NameOf(m)} is public without a reason");
                Assert.Equal(AuthorizationLevel.Anonymous, LevelOf(m));
            }
        }
        var names = HttpFunctions.Select(NameOf).ToHashSet();
        foreach (var name in AuthorizationMatrix.Cases.Keys.Concat(AuthorizationMatrix.OperatorCases.Keys).Concat(AuthorizationMatrix.ConsoleCases.Keys))
        {
            Assert.Contains(name, names);
        }
    }
}
