using System.Security.Cryptography;
using System.Text;
using Jimp.Functions.Platform;
using Microsoft.Extensions.Options;

namespace Jimp.Tests.Platform;

public sealed class KeyedHashTests
{
    private static KeyedHash With(byte[] key) => new(Options.Create(new KeyedHashOptions { Key = Convert.ToBase64String(key) }));

    [Fact]
    public void A_keyed_hash_is_not_the_plain_sha256_and_changes_with_the_key_and_the_purpose()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var hash = With(key).Hash("minor-block", "someone@example.test");
        Assert.Equal(64, hash.Length);
        Assert.NotEqual(Secrets.Hash("someone@example.test"), hash);
        Assert.Equal(hash, With(key).Hash("minor-block", "someone@example.test"));
        Assert.NotEqual(hash, With(RandomNumberGenerator.GetBytes(32)).Hash("minor-block", "someone@example.test"));
        Assert.NotEqual(hash, With(key).Hash("email-index", "someone@example.test"));
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes("minor-block\nsomeone@example.test"))), hash);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all")]
    public void A_missing_or_short_key_fails_validation(string? key)
    {
        var options = new KeyedHashOptions { Key = key };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
    }
}
