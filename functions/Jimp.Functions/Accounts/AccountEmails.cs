using System.Net;
using Jimp.Functions.Platform.Email;

namespace Jimp.Functions.Accounts;

/// <summary>The account e-mails, in French or English. Plain words, one link, no tracking pixel.</summary>
public static class AccountEmails
{
    public static EmailMessage SignInLink(string to, string locale, Uri link, TimeSpan lifetime) => locale == "en"
        ? Build(to, "Your JIMP sign-in link",
            "Hello,", "Here is your link to sign in to JIMP:", link, "Sign in to JIMP",
            $"It works once and for {lifetime.TotalMinutes:0} minutes. If you did not ask for it, ignore this e-mail: nothing happens without the link.")
        : Build(to, "Votre lien de connexion à JIMP",
            "Bonjour,", "Voici votre lien pour vous connecter à JIMP :", link, "Me connecter à JIMP",
            $"Il fonctionne une seule fois, pendant {lifetime.TotalMinutes:0} minutes. Si vous ne l'avez pas demandé, ignorez cet e-mail : rien ne se passe sans ce lien.");

    public static EmailMessage EmailChangeLink(string to, string locale, Uri link, TimeSpan lifetime) => locale == "en"
        ? Build(to, "Confirm your new JIMP e-mail address",
            "Hello,", "Someone signed in to JIMP asked to use this address for their account. To confirm, open:", link, "Confirm this address",
            $"The link works once and for {lifetime.TotalMinutes:0} minutes. If it was not you, ignore this e-mail: nothing changes.")
        : Build(to, "Confirmez votre nouvelle adresse e-mail JIMP",
            "Bonjour,", "Une personne connectée à JIMP a demandé à utiliser cette adresse pour son compte. Pour confirmer, ouvrez :", link, "Confirmer cette adresse",
            $"Le lien fonctionne une seule fois, pendant {lifetime.TotalMinutes:0} minutes. Si ce n'était pas vous, ignorez cet e-mail : rien ne change.");

    /// <summary>Sent instead of a confirmation link when the address asked for already has an account.</summary>
    public static EmailMessage AddressInUseNotice(string to, string locale) => locale == "en"
        ? Notice(to, "Someone tried to use your e-mail address on JIMP", "Hello,",
            "Someone signed in to JIMP asked to move their account to this address, which already belongs to a JIMP account. Nothing was changed and your account is untouched. If it was you, sign in with this address instead.")
        : Notice(to, "Quelqu'un a essayé d'utiliser votre adresse e-mail sur JIMP", "Bonjour,",
            "Une personne connectée à JIMP a demandé à déplacer son compte vers cette adresse, qui appartient déjà à un compte JIMP. Rien n'a été modifié et votre compte est intact. Si c'était vous, connectez-vous plutôt avec cette adresse.");

    /// <summary>A notice with no link (e.g. the address changed, the account was erased).</summary>
    public static EmailMessage Notice(string to, string subject, string greeting, string body) =>
        new(to, subject, $"{greeting}\n\n{body}\n\n— JIMP",
            $"<!doctype html><html><body style=\"font-family:sans-serif\"><p>{Encode(greeting)}</p><p>{Encode(body)}</p><p>— JIMP</p></body></html>");

    /// <summary>A notice with one link into the web app.</summary>
    public static EmailMessage WithLink(string to, string subject, string greeting, string intro, Uri link, string action, string footer) =>
        Build(to, subject, greeting, intro, link, action, footer);

    private static EmailMessage Build(string to, string subject, string greeting, string intro, Uri link, string action, string footer)
    {
        var text = $"{greeting}\n\n{intro}\n{link}\n\n{footer}\n\n— JIMP";
        var html = $"<!doctype html><html><body style=\"font-family:sans-serif\"><p>{Encode(greeting)}</p><p>{Encode(intro)}</p>" +
                   $"<p><a href=\"{Encode(link.ToString())}\">{Encode(action)}</a></p><p>{Encode(footer)}</p><p>— JIMP</p></body></html>";
        return new EmailMessage(to, subject, text, html);
    }

    private static string Encode(string s) => WebUtility.HtmlEncode(s);
}
