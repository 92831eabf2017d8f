using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: Xunit.TestCollectionOrderer("Jimp.Tests.Support.LongestFirst", "Jimp.Tests")]

namespace Jimp.Tests.Support;

/// <summary>
/// Starts the test collections that take longest first. xunit runs at most <c>maxParallelThreads</c> collections at
/// once, each to its end, in this order: a long collection started late is the run's tail (in the fresh-clone run of
/// 6cd0452, DependencyDownTests started at 1167 s of 1426 and ended the run; FuzzTests started at 455 s and ran 947 s).
/// The rest keep xunit's default order. The list comes from a full run's trx (<c>python3 scripts/trx-timeline.py
/// artifacts/test-results/jimp.trx</c>, by summed duration); a collection missing from it only starts later.
/// </summary>
public sealed class LongestFirst : ITestCollectionOrderer
{
    /// <summary>Collections (a class, or a named collection) by summed duration, longest first.</summary>
    public static readonly IReadOnlyList<string> Longest =
    [
        "FuzzTests", "AuthorizationMatrixOwnerRunTests", "BackupTests", "DependencyDownTests", "LogExpiryTests",
        "ErasureTests", "PolicyAnnouncementTests", SharedHostCollection.Name, "OrchestrationRetryTests", "ConsoleTests",
        "ScaleSimulation", "ExportTests", "FaultSuiteTests", "ObjectorIndexTests", Coaching.ModelSpans.Collection,
        "AuthorizationMatrixRunTests", "RestrictionTests", "CoachingApiTests", "WorkspaceApiTests", "SignInTests",
        "ConsentTests", "EmailChangeTests", "PrivacyBenchmarks", "CoachEvaluationTests", "ChatBudgetGlobalTests",
        "InsightsTests", "BackupBenchmarks", "RetentionExactnessTests", "ErasureRecoveryTests", "TurnDeadlineTests",
    ];

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        new DefaultTestCollectionOrderer().OrderTestCollections(testCollections).OrderBy(Rank); // OrderBy is stable

    /// <summary>A collection's place in <see cref="Longest"/>, or after all of them.</summary>
    public static int Rank(ITestCollection collection)
    {
        ArgumentNullException.ThrowIfNull(collection);
        // A class's own collection is displayed "Test collection for Namespace.Class"; a named one by its name.
        var name = collection.DisplayName;
        for (var i = 0; i < Longest.Count; i++)
        {
            if (name == Longest[i] || name.EndsWith("." + Longest[i], StringComparison.Ordinal)) return i;
        }
        return Longest.Count;
    }
}
