using Jimp.Functions.Platform;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Privacy;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Jimp.Functions.Accounts;

public static class AccountsRegistration
{
    /// <summary>The accounts feature only (sign-in, sessions, operators, the minors' blocklist); Privacy and Retention register their own.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddOptions<AccountsOptions>().BindConfiguration(AccountsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.IsValid(out _), "Email:Sender must be a bare e-mail address when Email:Host is set (the display name goes in Email:SenderName).")
            .ValidateOnStart();
        services.TryAddSingleton<IEmailSender, SmtpEmailSender>();
        services.AddSingleton<SecurityLog>();
        services.AddSingleton<RateLimits>();
        services.AddOptions<UserCapsOptions>().BindConfiguration(UserCapsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UserCaps>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<SignInTokens>();
        services.AddSingleton<SessionStore>();
        services.AddSingleton<SessionAuth>();
        services.AddSingleton<AccountService>();
        services.AddOptions<OperatorOptions>().BindConfiguration(OperatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OperatorDirectory>();
        services.AddSingleton<OperatorAuth>();
        services.AddSingleton<MinorBlocklist>();
        services.AddAccountsPersonalData();
        return services;
    }
}
