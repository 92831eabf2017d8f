using System.Text.Json;
using Jimp.Functions.Coaching;
using Jimp.Functions.Platform.Http;

namespace Jimp.Tests.Coaching;

public sealed class CoachProfileTests
{
    [Fact]
    public void A_complete_profile_is_valid()
    {
        Assert.Empty(CoachHarness.Profile().Validate());
        Assert.Empty(new CoachProfile { Niches = ["food"] }.Validate()); // defaults: beginner, step-by-step, FR, fr
    }

    [Fact]
    public void Each_bad_field_is_reported_under_its_camel_case_name()
    {
        var profile = new CoachProfile
        {
            Niches = ["beauty", "cars", "home", "pets"],
            NicheDetails = new string('x', 201),
            Goals = ["get-rich"],
            MonthlyCommissionTargetEur = 100_001,
            Experience = "guru",
            LearningStyle = "osmosis",
            Country = "US",
            Language = "de",
        };
        var errors = profile.Validate();
        Assert.Equal(["country", "experience", "goals", "language", "learningStyle", "monthlyCommissionTargetEur", "nicheDetails", "niches"], errors.Keys.Order(StringComparer.Ordinal));
        var thrown = Assert.Throws<RequestValidationException>(profile.ThrowIfInvalid);
        Assert.Equal(400, thrown.Status);
        Assert.Equal(8, thrown.Errors.Count);
    }

    /// <summary>The profile is optional (policy §2): 0 to 3 niches; more is an error. Replaces the test that required at least one.</summary>
    [Theory]
    [InlineData(0, true)]
    [InlineData(1, true)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    public void Niches_number_zero_to_three(int count, bool valid)
    {
        var profile = new CoachProfile { Niches = Niches.All.Take(count).Select(n => n.Id).ToList() };
        Assert.Equal(valid, !profile.Validate().ContainsKey("niches"));
    }

    [Fact]
    public void Every_field_may_be_left_out_or_null()
    {
        var empty = JsonSerializer.Deserialize<CoachProfile>("{}", RequestJson.Options)!;
        Assert.Empty(empty.Validate());
        var nulls = JsonSerializer.Deserialize<CoachProfile>("""{"niches":null,"goals":null,"experience":null,"learningStyle":null,"country":null,"language":null}""", RequestJson.Options)!.Normalized();
        Assert.Empty(nulls.Validate());
        Assert.Empty(nulls.Niches);
        Assert.Empty(nulls.Goals);
        Assert.Empty(CoachProfile.General("en").Validate());
        Assert.False(CoachProfile.General("en").IsFrench);
        Assert.True(CoachProfile.General(null).IsFrench);
    }

    [Fact]
    public void Options_catalog_labels_every_choice_in_both_languages()
    {
        var all = ProfileOptions.Niches.Concat(ProfileOptions.Goals).Concat(ProfileOptions.ExperienceLevels).Concat(ProfileOptions.LearningStyles)
            .Concat(ProfileOptions.Countries).Concat(ProfileOptions.Languages);
        Assert.All(all, o => Assert.False(string.IsNullOrWhiteSpace(o.LabelFr) || string.IsNullOrWhiteSpace(o.LabelEn), o.Id));
        Assert.Equal(Niches.All.Count, ProfileOptions.Niches.Count);
        Assert.Equal(28, ProfileOptions.Countries.Count); // 27 EU member states + GB
        Assert.Equal(["first-sale", "monthly-commission", "audience-growth", "consistency", "go-live", "brand-deals"], ProfileOptions.Goals.Select(g => g.Id));
    }
}
