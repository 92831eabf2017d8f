using System.Net;
using System.Security.Cryptography;
using System.Text;
using Jimp.Functions.Platform;
using Jimp.Tests.Support;
using Microsoft.Extensions.Options;

namespace Jimp.Tests.Platform;

public sealed class KeyedHashTests
{
    private static KeyedHash NewKeyedHash() => new(RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void A_keyed_hash_is_not_the_plain_sha256_and_depends_on_the_key_and_the_purpose()
    {
        var email = "someone@example.test";
        var first = NewKeyedHash();
        var second = NewKeyedHash();

        var key = first.EmailIndexKey(email);
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.NotEqual(Secrets.Hash(email), key);
        Assert.NotEqual(key, second.EmailIndexKey(email));
        Assert.NotEqual(key, first.RateLimitKey(email));
        Assert.Equal(key, first.EmailIndexKey(email));
        // It is the HMAC-SHA256 of purpose and value under the key: nothing hand-made.
        var raw = RandomNumberGenerator.GetBytes(32);
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(raw, Encoding.UTF8.GetBytes("email-index\n" + email))), new KeyedHash(raw).EmailIndexKey(email));
    }

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

    [Fact]
    public void A_tombstone_id_is_stable_for_a_user_and_reveals_nothing_of_the_id()
    {
        var keyed = NewKeyedHash();
        var userId = Secrets.NewId();
        Assert.Equal(keyed.TombstoneId(userId), keyed.TombstoneId(userId));
        Assert.Matches("^x[0-9a-f]{32}$", keyed.TombstoneId(userId));
        Assert.DoesNotContain(userId, keyed.TombstoneId(userId), StringComparison.Ordinal);
        Assert.NotEqual(keyed.TombstoneId(userId), NewKeyedHash().TombstoneId(userId));
    }

    [Fact]
    public void A_signature_verifies_only_for_its_value_and_its_key()
    {
        var keyed = NewKeyedHash();
        var signature = keyed.Sign(KeyedHashPurposes.Unsubscribe, "user-1|marketing-emails");
        Assert.True(keyed.Verify(KeyedHashPurposes.Unsubscribe, "user-1|marketing-emails", signature));
        Assert.False(keyed.Verify(KeyedHashPurposes.Unsubscribe, "user-2|marketing-emails", signature));
        Assert.False(NewKeyedHash().Verify(KeyedHashPurposes.Unsubscribe, "user-1|marketing-emails", signature));
        Assert.False(keyed.Verify(KeyedHashPurposes.Unsubscribe, "user-1|marketing-emails", null));
        Assert.False(keyed.Verify(KeyedHashPurposes.Unsubscribe, "user-1|marketing-emails", signature[..^1]));
    }

    [Fact]
    public void A_key_shorter_than_32_bytes_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new KeyedHash(new byte[16]));
        Assert.Throws<InvalidOperationException>(() => KeyedHash.FromOptions(new KeyedHashOptions()));
    }

    [Fact]
    public void Locally_the_key_is_generated_once_into_its_file_and_kept_for_the_next_start()
    {
        var dir = Path.Combine(Path.GetTempPath(), "jimp-key-" + Guid.NewGuid().ToString("N"));
        try
        {
            var file = Path.Combine(dir, ".jimp", "keyed-hash.key");
            var first = KeyedHash.FromOptions(new KeyedHashOptions { KeyFile = file });
            Assert.True(File.Exists(file));
            Assert.Equal(32, Convert.FromBase64String(File.ReadAllText(file)).Length);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            var again = KeyedHash.FromOptions(new KeyedHashOptions { KeyFile = file });
            Assert.Equal(first.EmailIndexKey("a@example.test"), again.EmailIndexKey("a@example.test"));
            Assert.Equal(first.KeyId, again.KeyId);
            // A configured key wins over the file.
            var configured = KeyedHash.FromOptions(new KeyedHashOptions { KeyFile = file, Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) });
            Assert.NotEqual(first.KeyId, configured.KeyId);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_local_key_file_is_git_ignored()
    {
        var ignore = File.ReadAllLines(Path.Combine(TestAzurite.RepositoryRoot, ".gitignore"));
        Assert.Contains(".jimp/", ignore);
    }

    [Theory]
    [InlineData("203.0.113.77", "203.0.113.0/24")]
    [InlineData("::ffff:203.0.113.77", "203.0.113.0/24")]
    [InlineData("2001:db8:abcd:12:34:56:78:9a", "2001:db8:abcd::/48")]
    public void An_ip_is_truncated_to_24_bits_for_ipv4_and_48_bits_for_ipv6(string ip, string expected)
    {
        Assert.Equal(expected, ClientInfo.TruncateIp(IPAddress.Parse(ip)));
    }

    /// <summary>IPs are truncated before any use: only ClientInfo ever sees the full address.</summary>
    [Fact]
    public void No_code_outside_ClientInfo_reads_the_full_client_address()
    {
        var root = Path.Combine(TestAzurite.RepositoryRoot, "functions", "Jimp.Functions");
        var offenders = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.EndsWith($"{Path.DirectorySeparatorChar}ClientInfo.cs", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && (text.Contains("ClientIp(", StringComparison.Ordinal)
                || text.Contains("RemoteIpAddress", StringComparison.Ordinal) || text.Contains("X-Forwarded-For", StringComparison.OrdinalIgnoreCase)))
            .Select(f => Path.GetRelativePath(root, f))
            .ToList();
        Assert.True(offenders.Count == 0, "Full client addresses used outside ClientInfo: " + string.Join(", ", offenders));
    }
}
