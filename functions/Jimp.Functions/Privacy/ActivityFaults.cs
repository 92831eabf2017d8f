namespace Jimp.Functions.Privacy;

/// <summary>
/// Lets tests make an activity fail on its first attempt, to prove the orchestration retries it and that the
/// activity is idempotent. In the app nothing is registered but <see cref="NoFaults"/>.
/// </summary>
public interface IActivityFaults
{
    void BeforeRun(string activity, string key);
}

public sealed class NoFaults : IActivityFaults
{
    public void BeforeRun(string activity, string key)
    {
    }
}
