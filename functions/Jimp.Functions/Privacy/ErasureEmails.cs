using Jimp.Functions.Accounts;
using Jimp.Functions.Platform.Email;
using Jimp.Functions.Retention;
using Microsoft.Extensions.Options;

namespace Jimp.Functions.Privacy;

/// <summary>
/// The e-mail that confirms an erasure, one per reason (the person asked; 24 months without sign-in; under the
/// minimum age), saying what remains as the policy says it: the security log, under a one-way id, each entry
/// deleted at most <see cref="RetentionOptions.LogMonths"/> months after the event; for a minor, a keyed hash of
/// the address for <see cref="OperatorOptions.MinorBlockRetention"/>. Every number comes from the configuration.
/// </summary>
public sealed class ErasureEmails(IOptions<AccountsOptions> accounts, IOptions<RetentionOptions> retention, IOptions<OperatorOptions> operators)
{
    public const string SubjectFr = "Votre compte JIMP a été supprimé";
    public const string SubjectEn = "Your JIMP account has been deleted";

    public EmailMessage For(string reason, string locale, string to)
    {
        var log = retention.Value.LogMonths;
        var years = operators.Value.MinorBlockRetention.TotalDays / 365;
        var blocked = years >= 1 && Math.Abs(years - Math.Round(years)) < 0.01
            ? (fr: $"{Math.Round(years)} ans", en: $"{Math.Round(years)} years")
            : (fr: $"{(int)operators.Value.MinorBlockRetention.TotalDays} jours", en: $"{(int)operators.Value.MinorBlockRetention.TotalDays} days");
        if (blocked.fr == "1 ans") blocked = ("1 an", "1 year");
        var months = retention.Value.InactivityErasureMonths;
        var age = accounts.Value.MinimumAge;
        if (locale == "en")
        {
            var why = reason switch
            {
                ErasureReasons.Inactivity => $"You had not signed in to JIMP for {months} months: as our warning e-mail said, your account and its data have been deleted: profile, conversations, creator workspace, consents, exports and sessions.",
                ErasureReasons.Minor => $"Your JIMP account has been deleted, because JIMP is only for people aged {age} or older. Its data has been deleted with it: profile, conversations, creator workspace, consents, exports and sessions.",
                _ => "As you asked, your JIMP account and its data have been deleted: profile, conversations, creator workspace, consents, exports and sessions.",
            };
            var remains = $"What remains is the security log, where your id is replaced by a one-way id that does not lead back to you; each entry is deleted at most {log} months after the event.";
            if (reason == ErasureReasons.Minor) remains += $" To keep this address from signing up again, we keep only a keyed hash of it (not the address itself) for {blocked.en}.";
            return AccountEmails.Notice(to, SubjectEn, "Hello,", $"{why} {remains} This is the last e-mail you will get from us.");
        }
        var pourquoi = reason switch
        {
            ErasureReasons.Inactivity => $"Vous ne vous étiez pas connecté·e à JIMP depuis {months} mois : comme annoncé dans notre e-mail d'avertissement, votre compte et ses données ont été supprimés : profil, conversations, espace créateur, consentements, exports et sessions.",
            ErasureReasons.Minor => $"Votre compte JIMP a été supprimé, car JIMP est réservé aux personnes de {age} ans ou plus. Ses données ont été supprimées avec lui : profil, conversations, espace créateur, consentements, exports et sessions.",
            _ => "Comme vous l'avez demandé, votre compte JIMP et ses données ont été supprimés : profil, conversations, espace créateur, consentements, exports et sessions.",
        };
        var reste = $"Seul subsiste le journal de sécurité, où votre identifiant est remplacé par un identifiant à sens unique qui ne permet pas de vous retrouver ; chaque entrée en est supprimée {log} mois au plus après l'événement.";
        if (reason == ErasureReasons.Minor) reste += $" Pour empêcher une nouvelle inscription avec cette adresse, nous n'en gardons qu'une empreinte à clé (pas l'adresse elle-même) pendant {blocked.fr}.";
        return AccountEmails.Notice(to, SubjectFr, "Bonjour,", $"{pourquoi} {reste} C'est le dernier e-mail que vous recevrez de notre part.");
    }
}
