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

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    public void Niches_must_number_one_to_three(int count)
    {
        var profile = new CoachProfile { Niches = Niches.All.Take(count).Select(n => n.Id).ToList() };
        Assert.Contains("niches", profile.Validate().Keys);
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
