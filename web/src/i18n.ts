/**
 * Every string of the interface, in French (the default) and English. `en` must have exactly the keys of
 * `fr`: the compiler checks it and so does i18n.test.ts. The language lives in local storage under
 * LANG_KEY (see storage-keys.ts) and in the `lang` attribute of <html>.
 */
import type { Option } from './api';
import { LANG_KEY } from './storage-keys';
import { operatorEn, operatorFr } from './i18n-operator';

export type Lang = 'fr' | 'en';

export const fr = {
  'nav.homeSuffix': ', accueil',
  'nav.skip': 'Aller au contenu',
  'nav.label': 'Menu principal',
  'nav.menu': 'Menu',
  'nav.chat': 'Coach',
  'nav.trends': 'Tendances',
  'nav.profile': 'Profil',
  'nav.privacy': 'Confidentialité',
  'nav.signOut': 'Se déconnecter',
  'nav.langSwitchLabel': 'Switch to English',

  'footer.tagline': 'JIMP, le coach IA des affiliés TikTok Shop.',
  'footer.policy': 'Politique de confidentialité',
  'footer.privacy': 'Centre de confidentialité',
  'footer.notAffiliated': "JIMP n'est ni affilié à TikTok ni approuvé par TikTok.",

  'common.loading': 'Chargement…',
  'common.cancel': 'Annuler',
  'common.save': 'Enregistrer',
  'common.delete': 'Supprimer',

  'error.network': 'Impossible de joindre JIMP. Vérifiez votre connexion puis réessayez.',
  'error.server': 'Une erreur est survenue de notre côté. Réessayez dans un instant.',
  'error.serverTrace': 'Une erreur est survenue de notre côté. Réessayez dans un instant (référence : {id}).',
  'error.unexpected': "Quelque chose s'est mal passé. Réessayez.",
  'error.signedOut': 'Votre session a expiré. Reconnectez-vous.',
  'error.restricted': 'Votre compte est limité : ce traitement est en pause.',
  'error.notYet': "Cette fonction n'est pas encore disponible. Elle arrive bientôt.",
  'error.rateLimitedSeconds': 'Trop de demandes. Réessayez dans {n} s.',
  'error.rateLimitedMinutes': 'Trop de demandes. Réessayez dans {n} min.',
  'error.rateLimitedLater': 'Trop de demandes. Réessayez un peu plus tard.',
  'error.emailUnavailable': "L'envoi d'e-mails est indisponible. Réessayez dans quelques minutes : cette demande n'est pas décomptée.",

  'notFound.title': 'Cette page n’existe pas',
  'notFound.home': "Revenir à l'accueil",

  'signin.eyebrow': 'Coach IA pour TikTok Shop',
  'signin.title': 'Vendez mieux sur TikTok Shop, vidéo après vidéo',
  'signin.lead': 'JIMP vous aide à trouver vos hooks, écrire vos scripts et planifier votre semaine, selon votre niche et les tendances de votre pays.',
  'signin.point1': 'Des conseils adaptés à votre niche et à votre niveau',
  'signin.point2': 'Les tendances TikTok de votre pays',
  'signin.point3': 'Sans mot de passe : un lien par e-mail suffit',
  'signin.previewQ': 'Donne-moi un hook pour ma crème solaire',
  'signin.previewAStrong': '« 3 erreurs que tout le monde fait avec sa crème solaire » ',
  'signin.previewA': ': montre la 1re erreur dès la première seconde, puis ton produit en gros plan.',
  'signin.formTitle': 'Se connecter ou créer un compte',
  'signin.email': 'Adresse e-mail',
  'signin.emailHint': 'Nous vous envoyons un lien de connexion. Pas de mot de passe.',
  'signin.emailPlaceholder': 'vous@exemple.fr',
  'signin.age': "J'ai 16 ans ou plus",
  'signin.policyBefore': "J'ai lu et j'accepte la ",
  'signin.policyLink': 'politique de confidentialité',
  'signin.policyVersion': '(version {v})',
  'signin.send': 'Recevoir mon lien de connexion',
  'signin.sending': 'Envoi…',
  'signin.errorEmail': 'Saisissez une adresse e-mail valide, par exemple vous@exemple.fr.',
  'signin.errorAge': 'JIMP est réservé aux personnes de 16 ans ou plus.',
  'signin.errorPolicy': 'Acceptez la politique de confidentialité pour continuer.',
  'signin.policyUnavailable': 'La politique de confidentialité ne peut pas être chargée pour le moment. Réessayez dans un instant.',
  'signin.sentTitle': 'Vérifiez votre boîte mail',
  'signin.sentBefore': 'Si tout est en ordre, un lien de connexion vient de partir vers ',
  'signin.sentAfter': '.',
  'signin.sentValidity': "Le lien est valable 15 minutes et ne sert qu'une fois. Ouvrez-le sur cet appareil.",
  'signin.sentSame': "Rien reçu ? Regardez dans les indésirables. Par sécurité, ce message est le même qu'un compte existe ou non pour cette adresse.",
  'signin.another': 'Utiliser une autre adresse',
  'signin.signedOut': 'Vous êtes déconnecté·e.',

  'verify.title': 'Connexion',
  'verify.checking': 'Vérification de votre lien…',
  'verify.failedTitle': 'Ce lien ne fonctionne pas',
  'verify.expired': "Ce lien a expiré : il n'est valable que 15 minutes. Demandez-en un nouveau.",
  'verify.used': 'Ce lien a déjà été utilisé. Chaque lien ne sert qu’une fois : demandez-en un nouveau.',
  'verify.invalid': "Ce lien n'est pas valide. Vérifiez que vous avez copié l'adresse en entier, ou demandez un nouveau lien.",
  'verify.newLink': 'Recevoir un nouveau lien',
  'verify.emailChanged': 'Votre adresse e-mail a bien été modifiée.',

  'profile.titleFirst': 'Parlez-nous de vous',
  'profile.leadFirst': 'Quelques réponses, et le coach adapte ses conseils à votre niche, vos objectifs et votre façon d’apprendre.',
  'profile.welcome': 'Bienvenue sur JIMP ! Vous pourrez modifier ces réponses à tout moment depuis le menu Profil.',
  'profile.title': 'Votre profil',
  'profile.lead': 'Le coach se sert de ces réponses pour personnaliser ses conseils.',
  'profile.sectionNiche': 'Votre niche',
  'profile.sectionGoals': 'Vos objectifs',
  'profile.sectionStyle': 'Votre façon de travailler',
  'profile.niches': 'Niches',
  'profile.nichesHint': 'Choisissez de 1 à {n} niches.',
  'profile.nicheDetails': 'Précisez votre niche (facultatif)',
  'profile.nicheDetailsHint': 'Par exemple : soins pour peaux sensibles, petits budgets. N’y mettez pas de données personnelles.',
  'profile.nicheDetailsPlaceholder': 'Soins pour peaux sensibles…',
  'profile.goals': 'Objectifs',
  'profile.goalsHint': 'Tout ce qui vous correspond (facultatif).',
  'profile.target': 'Objectif mensuel de commissions (€)',
  'profile.targetHint': 'Un montant indicatif, par exemple 500.',
  'profile.experience': 'Expérience',
  'profile.learningStyle': "Style d'apprentissage",
  'profile.country': 'Pays',
  'profile.language': 'Langue du coach',
  'profile.saveFirst': 'Commencer avec le coach',
  'profile.save': 'Enregistrer',
  'profile.saved': 'Profil enregistré.',
  'profile.errorNiches': 'Choisissez de 1 à {n} niches.',
  'profile.errorTarget': 'Saisissez un montant entier positif en euros.',
  'profile.errorSummary': 'Certaines réponses sont à corriger : voir les messages sous les champs.',

  'chat.newTitle': 'Nouvelle conversation',
  'chat.untitled': 'Sans titre',
  'chat.aiShort': 'IA',
  'chat.aiTitle': 'Vous parlez à une IA.',
  'chat.aiBody': "JIMP est un coach automatisé : ses réponses sont générées par une intelligence artificielle et peuvent contenir des erreurs. Vérifiez les informations importantes (règles TikTok Shop, prix, fiscalité).",
  'chat.offlineBadge': 'Réponses automatiques',
  'chat.automaticAnswer': 'Réponse automatique tirée des fiches JIMP, sans IA générative',
  'chat.offlineHelp': 'Réponses automatiques assemblées à partir des fiches conseils de JIMP, sans IA générative.',
  'chat.offlineMode': 'mode hors ligne',
  'chat.messagesLabel': 'Messages',
  'chat.emptyTitle': 'Par quoi on commence ?',
  'chat.emptyBody': 'Posez votre question ou choisissez une action rapide ci-dessous.',
  'chat.inputLabel': 'Votre message',
  'chat.placeholder': 'Écrivez votre message…',
  'chat.send': 'Envoyer',
  'chat.sensitive': "N'écrivez pas de données sensibles : santé, opinions, religion, coordonnées bancaires ou données d'autres personnes.",
  'chat.counter': '{n} caractères restants',
  'chat.quickLabel': 'Actions rapides',
  'chat.qaHooks': 'Idées de hooks',
  'chat.qaHooksPrompt': 'Donne-moi 5 idées de hooks pour ma prochaine vidéo TikTok Shop dans ma niche.',
  'chat.qaScript': 'Un script à filmer',
  'chat.qaScriptPrompt': 'Écris-moi un script de vidéo de 30 secondes à filmer aujourd’hui pour présenter un produit de ma niche.',
  'chat.qaPlan': 'Plan de la semaine',
  'chat.qaPlanPrompt': 'Propose-moi un plan de contenu pour cette semaine, jour par jour.',
  'chat.qaProduct': 'Vérifier un produit',
  'chat.qaProductPrompt': 'Est-ce un bon produit à promouvoir ? Le voici : ',
  'chat.fromCoach': 'Réponse du coach',
  'chat.fromYou': 'Votre message',
  'chat.aiGenerated': 'Généré par IA',
  'chat.thinking': 'Le coach écrit…',
  'chat.failed': "La réponse n'a pas pu être générée.",
  'chat.interrupted': 'La réponse a été interrompue.',
  'chat.retry': 'Réessayer',
  'chat.filtered': 'Une partie de cette réponse a été filtrée par nos règles de sécurité.',
  'chat.restricted': 'Votre compte est limité : le coach est en pause et vos données ne sont pas traitées.',
  'chat.restrictedLink': 'Gérer la limitation',
  'chat.noProfile': 'Complétez votre profil pour des conseils adaptés à votre niche.',
  'chat.noProfileLink': 'Compléter mon profil',
  'chat.older': 'Messages précédents',
  'chat.notFound': "Cette conversation n'existe pas ou a été supprimée.",
  'chat.conversations': 'Conversations',
  'chat.new': 'Nouvelle',
  'chat.noConversations': 'Aucune conversation pour le moment.',
  'chat.renameLabel': 'Renommer « {title} »',
  'chat.deleteLabel': 'Supprimer « {title} »',
  'chat.renameTitle': 'Renommer la conversation',
  'chat.renameField': 'Nouveau titre',
  'chat.deleteTitle': 'Supprimer la conversation ?',
  'chat.deleteBody': '« {title} » et tous ses messages seront supprimés définitivement.',

  'trends.title': 'Tendances',
  'trends.lead': 'Ce qui monte en ce moment sur TikTok dans vos niches.',
  'trends.niche': 'Niche',
  'trends.kind': 'Type',
  'trends.kindAll': 'Tout',
  'trends.kindHashtag': 'Hashtags',
  'trends.kindKeyword': 'Mots-clés',
  'trends.kindProduct': 'Produits',
  'trends.kindSong': 'Sons',
  'trends.kindCreator': 'Créateurs',
  'trends.country': 'Pays : {country}',
  'trends.noProfile': 'Choisissez vos niches pour voir leurs tendances.',
  'trends.source': 'Source : {source}',
  'trends.updated': 'mis à jour le {date}',
  'trends.period': '{n} derniers jours',
  'trends.asOf': 'au {date}',
  'trends.stale': 'Ces tendances datent du {date}, il y a plus d’une semaine : elles ne sont peut-être plus d’actualité.',
  'trends.metric': 'Popularité : {n}',
  'trends.unconfiguredTitle': 'Aucune source de tendances configurée',
  'trends.unconfiguredBody': 'Les tendances TikTok Creative Center ne sont pas encore branchées sur ce serveur. Le coach répond quand même, avec sa base de conseils.',
  'trends.emptyTitle': 'Pas encore de tendances',
  'trends.emptyBody': 'Aucune tendance récente pour ce choix. Les données sont actualisées chaque jour.',

  'privacy.title': 'Centre de confidentialité',
  'privacy.lead': 'Vos données, vos choix. Chaque demande est traitée dans un délai d’un mois au plus.',
  'privacy.signedInAs': 'Connecté·e en tant que ',
  'privacy.comingSoon': 'Cette fonction arrive très bientôt. En attendant, écrivez au contact indiqué dans la politique de confidentialité.',
  'privacy.saved': 'Choix enregistré.',
  'privacy.exportTitle': 'Télécharger mes données',
  'privacy.exportBody': 'Recevez une copie de toutes vos données dans un fichier ZIP (JSON, CSV et un résumé lisible). Nous vous prévenons par e-mail quand il est prêt ; le lien reste valable 7 jours.',
  'privacy.exportButton': 'Demander mes données',
  'privacy.exportStarted': 'Demande enregistrée. Votre fichier est en préparation.',
  'privacy.exportNone': 'Aucune demande pour le moment.',
  'privacy.exportOf': 'Export du {date}',
  'privacy.exportExpires': 'Disponible jusqu’au {date}',
  'privacy.exportDownload': 'Télécharger le ZIP',
  'privacy.exportStatus.pending': 'En préparation',
  'privacy.exportStatus.ready': 'Prêt',
  'privacy.exportStatus.failed': 'Échec',
  'privacy.exportStatus.expired': 'Expiré',
  'privacy.choicesTitle': 'Mes choix',
  'privacy.consentsNone': "Aucun traitement ne dépend de votre consentement pour l'instant.",
  'privacy.objectionLabel': "M'exclure des statistiques",
  'privacy.objectionBody': "Vos données ne seront plus comptées dans les statistiques agrégées ni utilisées pour améliorer le service.",
  'privacy.restrictionLabel': 'Limiter le traitement de mes données',
  'privacy.restrictionBody': "Vos données sont conservées mais plus traitées : le coach, la personnalisation, les statistiques et la suppression pour inactivité sont en pause jusqu'à ce que vous leviez la limitation. Nous vous prévenons avant toute levée de notre part.",
  'privacy.requestsTitle': 'Mes demandes',
  'privacy.requestsBody': 'Vos demandes (copie, suppression, limitation…) et la date à laquelle nous devons y avoir répondu.',
  'privacy.requestsNone': 'Aucune demande pour le moment.',
  'privacy.requestReceived': 'reçue le {date}',
  'privacy.requestDue': 'réponse au plus tard le {date}',
  'privacy.requestCompleted': 'traitée le {date}',
  'privacy.requestExtended': 'Délai prolongé jusqu’au {date} : {reason}',
  'privacy.requestType.export': 'Copie de mes données',
  'privacy.requestType.access': 'Copie de mes données',
  'privacy.requestType.erasure': 'Suppression du compte',
  'privacy.requestType.restriction': 'Limitation du traitement',
  'privacy.requestType.objection': 'Opposition',
  'privacy.requestType.rectification': 'Rectification',
  'privacy.requestStatus.received': 'Reçue',
  'privacy.requestStatus.pending': 'En cours',
  'privacy.requestStatus.in-progress': 'En cours',
  'privacy.requestStatus.running': 'En cours',
  'privacy.requestStatus.completed': 'Traitée',
  'privacy.requestStatus.failed': 'Échec',
  'privacy.requestStatus.extended': 'Prolongée',
  'privacy.activityTitle': 'Activité récente du compte',
  'privacy.activityBody': 'Les derniers événements de votre compte, pour repérer un accès que vous ne reconnaissez pas.',
  'privacy.activityNone': 'Aucune activité enregistrée.',
  'privacy.event.sign-in': 'Connexion',
  'privacy.event.signed-in': 'Connexion',
  'privacy.event.sign-out': 'Déconnexion',
  'privacy.event.logout-all': 'Déconnexion de tous les appareils',
  'privacy.event.link-requested': 'Lien de connexion demandé',
  'privacy.event.account-created': 'Compte créé',
  'privacy.event.email-changed': 'Adresse e-mail modifiée',
  'privacy.event.export-requested': 'Copie des données demandée',
  'privacy.accountTitle': 'Compte et sessions',
  'privacy.emailNew': 'Changer d’adresse e-mail',
  'privacy.emailButton': 'Envoyer le lien',
  'privacy.emailSent': 'Un lien de confirmation a été envoyé à {email}. L’adresse change quand vous le suivez.',
  'privacy.signOutAll': 'Se déconnecter partout',
  'privacy.signedOutAll': 'Vous êtes déconnecté·e de tous vos appareils ({n} sessions).',
  'privacy.deleteTitle': 'Supprimer mon compte',
  'privacy.deleteIntro': 'Supprime définitivement votre compte, votre profil, vos conversations et vos exports. Cette action est irréversible.',
  'privacy.deleteButton': 'Supprimer mon compte',
  'privacy.deleteBody': 'Tout sera effacé : compte, profil, conversations, consentements et exports. Seule une trace sans donnée personnelle prouvera que la suppression a eu lieu.',
  'privacy.deleteConfirmLabel': 'Pour confirmer, tapez votre adresse e-mail : {email}',
  'privacy.deleteConfirm': 'Supprimer définitivement',
  'privacy.deleted': 'Votre compte est en cours de suppression. Vous êtes déconnecté·e. Merci d’avoir utilisé JIMP.',
  'privacy.policyLink': 'Tout le détail de ce que nous faisons de vos données est dans la',

  'policy.title': 'Politique de confidentialité',
  'policy.versionLine': 'Version {v} du {date}, en vigueur depuis le {effective}',
  'policy.currentTag': 'en vigueur',
  'policy.versions': 'Versions',
  'policy.docLanguage': 'Langue du document',
  'policy.oldVersion': 'Vous lisez une ancienne version. La version en vigueur est la {v}.',
  'policy.seeCurrent': 'Voir la version en vigueur',
  'policy.upcoming': 'Une nouvelle version ({v}) entrera en vigueur le {date}.',
  'policy.upcomingMaterial': 'Changement important : la version {v} entrera en vigueur le {date}.',
  'policy.readUpcoming': 'Lire la nouvelle version',
  'policy.frAuthoritative': 'La version française fait foi.',
  ...operatorFr,
};

export type Key = keyof typeof fr;

export const en: Record<Key, string> = {
  'nav.homeSuffix': ', home',
  'nav.skip': 'Skip to content',
  'nav.label': 'Main menu',
  'nav.menu': 'Menu',
  'nav.chat': 'Coach',
  'nav.trends': 'Trends',
  'nav.profile': 'Profile',
  'nav.privacy': 'Privacy',
  'nav.signOut': 'Sign out',
  'nav.langSwitchLabel': 'Passer en français',

  'footer.tagline': 'JIMP, the AI coach for TikTok Shop affiliates.',
  'footer.policy': 'Privacy policy',
  'footer.privacy': 'Privacy center',
  'footer.notAffiliated': 'JIMP is not affiliated with or endorsed by TikTok.',

  'common.loading': 'Loading…',
  'common.cancel': 'Cancel',
  'common.save': 'Save',
  'common.delete': 'Delete',

  'error.network': 'JIMP cannot be reached. Check your connection and try again.',
  'error.server': 'Something went wrong on our side. Try again in a moment.',
  'error.serverTrace': 'Something went wrong on our side. Try again in a moment (reference: {id}).',
  'error.unexpected': 'Something went wrong. Please try again.',
  'error.signedOut': 'Your session has expired. Please sign in again.',
  'error.restricted': 'Your account is restricted: this processing is paused.',
  'error.notYet': 'This feature is not available yet. It is coming soon.',
  'error.rateLimitedSeconds': 'Too many requests. Try again in {n} s.',
  'error.rateLimitedMinutes': 'Too many requests. Try again in {n} min.',
  'error.rateLimitedLater': 'Too many requests. Try again a little later.',
  'error.emailUnavailable': 'E-mail is unavailable. Try again in a few minutes: this request was not counted.',

  'notFound.title': 'This page does not exist',
  'notFound.home': 'Back to the home page',

  'signin.eyebrow': 'AI coach for TikTok Shop',
  'signin.title': 'Sell better on TikTok Shop, one video at a time',
  'signin.lead': 'JIMP helps you find hooks, write scripts and plan your week, for your niche and the trends in your country.',
  'signin.point1': 'Advice tailored to your niche and your level',
  'signin.point2': "Your country's TikTok trends",
  'signin.point3': 'No password: a link by e-mail is enough',
  'signin.previewQ': 'Give me a hook for my sunscreen',
  'signin.previewAStrong': '"3 mistakes everyone makes with sunscreen"',
  'signin.previewA': ': show the first mistake in the very first second, then your product in close-up.',
  'signin.formTitle': 'Sign in or create an account',
  'signin.email': 'E-mail address',
  'signin.emailHint': 'We send you a sign-in link. No password.',
  'signin.emailPlaceholder': 'you@example.com',
  'signin.age': 'I am 16 or older',
  'signin.policyBefore': 'I have read and accept the ',
  'signin.policyLink': 'privacy policy',
  'signin.policyVersion': '(version {v})',
  'signin.send': 'Send me a sign-in link',
  'signin.sending': 'Sending…',
  'signin.errorEmail': 'Enter a valid e-mail address, for example you@example.com.',
  'signin.errorAge': 'JIMP is only for people aged 16 or older.',
  'signin.errorPolicy': 'Accept the privacy policy to continue.',
  'signin.policyUnavailable': 'The privacy policy cannot be loaded right now. Try again in a moment.',
  'signin.sentTitle': 'Check your inbox',
  'signin.sentBefore': 'If everything is in order, a sign-in link is on its way to ',
  'signin.sentAfter': '.',
  'signin.sentValidity': 'The link works for 15 minutes and only once. Open it on this device.',
  'signin.sentSame': 'Nothing arrived? Look in your spam folder. For your security, this message is the same whether or not an account exists for this address.',
  'signin.another': 'Use another address',
  'signin.signedOut': 'You are signed out.',

  'verify.title': 'Signing in',
  'verify.checking': 'Checking your link…',
  'verify.failedTitle': 'This link does not work',
  'verify.expired': 'This link has expired: it only works for 15 minutes. Ask for a new one.',
  'verify.used': 'This link has already been used. Each link works once: ask for a new one.',
  'verify.invalid': 'This link is not valid. Check that you copied the whole address, or ask for a new link.',
  'verify.newLink': 'Get a new link',
  'verify.emailChanged': 'Your e-mail address has been changed.',

  'profile.titleFirst': 'Tell us about you',
  'profile.leadFirst': 'A few answers, and the coach tailors its advice to your niche, your goals and the way you learn.',
  'profile.welcome': 'Welcome to JIMP! You can change these answers at any time from the Profile menu.',
  'profile.title': 'Your profile',
  'profile.lead': 'The coach uses these answers to personalise its advice.',
  'profile.sectionNiche': 'Your niche',
  'profile.sectionGoals': 'Your goals',
  'profile.sectionStyle': 'How you work',
  'profile.niches': 'Niches',
  'profile.nichesHint': 'Pick 1 to {n} niches.',
  'profile.nicheDetails': 'Describe your niche (optional)',
  'profile.nicheDetailsHint': 'For example: sensitive skin care, small budgets. Do not include personal data.',
  'profile.nicheDetailsPlaceholder': 'Sensitive skin care…',
  'profile.goals': 'Goals',
  'profile.goalsHint': 'Everything that fits you (optional).',
  'profile.target': 'Monthly commission target (€)',
  'profile.targetHint': 'A rough amount, for example 500.',
  'profile.experience': 'Experience',
  'profile.learningStyle': 'Learning style',
  'profile.country': 'Country',
  'profile.language': "Coach's language",
  'profile.saveFirst': 'Start with the coach',
  'profile.save': 'Save',
  'profile.saved': 'Profile saved.',
  'profile.errorNiches': 'Pick 1 to {n} niches.',
  'profile.errorTarget': 'Enter a whole, positive amount in euros.',
  'profile.errorSummary': 'Some answers need fixing: see the messages under the fields.',

  'chat.newTitle': 'New conversation',
  'chat.untitled': 'Untitled',
  'chat.aiShort': 'AI',
  'chat.aiTitle': 'You are talking to an AI.',
  'chat.aiBody': "JIMP is an automated coach: its answers are generated by artificial intelligence and may contain mistakes. Check anything important (TikTok Shop rules, prices, taxes).",
  'chat.offlineBadge': 'Automatic answers',
  'chat.automaticAnswer': "Automatic answer from JIMP's playbooks, without generative AI",
  'chat.offlineHelp': "Automatic answers assembled from JIMP's playbooks, without generative AI.",
  'chat.offlineMode': 'offline mode',
  'chat.messagesLabel': 'Messages',
  'chat.emptyTitle': 'Where shall we start?',
  'chat.emptyBody': 'Ask your question or pick a quick action below.',
  'chat.inputLabel': 'Your message',
  'chat.placeholder': 'Write your message…',
  'chat.send': 'Send',
  'chat.sensitive': "Don't type sensitive data: health, opinions, religion, bank details or other people's data.",
  'chat.counter': '{n} characters left',
  'chat.quickLabel': 'Quick actions',
  'chat.qaHooks': 'Hook ideas',
  'chat.qaHooksPrompt': 'Give me 5 hook ideas for my next TikTok Shop video in my niche.',
  'chat.qaScript': 'A script to film',
  'chat.qaScriptPrompt': 'Write me a 30-second video script I can film today to present a product from my niche.',
  'chat.qaPlan': 'Weekly plan',
  'chat.qaPlanPrompt': 'Suggest a content plan for this week, day by day.',
  'chat.qaProduct': 'Check a product',
  'chat.qaProductPrompt': 'Is this a good product to promote? Here it is: ',
  'chat.fromCoach': "Coach's answer",
  'chat.fromYou': 'Your message',
  'chat.aiGenerated': 'AI-generated',
  'chat.thinking': 'The coach is writing…',
  'chat.failed': 'The answer could not be generated.',
  'chat.interrupted': 'The answer was interrupted.',
  'chat.retry': 'Try again',
  'chat.filtered': 'Part of this answer was filtered by our safety rules.',
  'chat.restricted': 'Your account is restricted: the coach is paused and your data is not processed.',
  'chat.restrictedLink': 'Manage the restriction',
  'chat.noProfile': 'Complete your profile to get advice tailored to your niche.',
  'chat.noProfileLink': 'Complete my profile',
  'chat.older': 'Earlier messages',
  'chat.notFound': 'This conversation does not exist or has been deleted.',
  'chat.conversations': 'Conversations',
  'chat.new': 'New',
  'chat.noConversations': 'No conversations yet.',
  'chat.renameLabel': 'Rename “{title}”',
  'chat.deleteLabel': 'Delete “{title}”',
  'chat.renameTitle': 'Rename the conversation',
  'chat.renameField': 'New title',
  'chat.deleteTitle': 'Delete the conversation?',
  'chat.deleteBody': '“{title}” and all its messages will be deleted for good.',

  'trends.title': 'Trends',
  'trends.lead': 'What is rising on TikTok right now in your niches.',
  'trends.niche': 'Niche',
  'trends.kind': 'Type',
  'trends.kindAll': 'All',
  'trends.kindHashtag': 'Hashtags',
  'trends.kindKeyword': 'Keywords',
  'trends.kindProduct': 'Products',
  'trends.kindSong': 'Sounds',
  'trends.kindCreator': 'Creators',
  'trends.country': 'Country: {country}',
  'trends.noProfile': 'Pick your niches to see their trends.',
  'trends.source': 'Source: {source}',
  'trends.updated': 'updated {date}',
  'trends.period': 'last {n} days',
  'trends.asOf': 'as of {date}',
  'trends.stale': 'These trends are from {date}, more than a week ago: they may no longer be current.',
  'trends.metric': 'Popularity: {n}',
  'trends.unconfiguredTitle': 'No trend source configured',
  'trends.unconfiguredBody': 'TikTok Creative Center trends are not connected on this server yet. The coach still answers, using its advice library.',
  'trends.emptyTitle': 'No trends yet',
  'trends.emptyBody': 'No recent trends for this choice. The data is refreshed every day.',

  'privacy.title': 'Privacy center',
  'privacy.lead': 'Your data, your choices. Every request is handled within one month at most.',
  'privacy.signedInAs': 'Signed in as ',
  'privacy.comingSoon': 'This feature is coming very soon. Meanwhile, write to the contact given in the privacy policy.',
  'privacy.saved': 'Choice saved.',
  'privacy.exportTitle': 'Download my data',
  'privacy.exportBody': 'Get a copy of all your data in a ZIP file (JSON, CSV and a readable summary). We e-mail you when it is ready; the link works for 7 days.',
  'privacy.exportButton': 'Request my data',
  'privacy.exportStarted': 'Request received. Your file is being prepared.',
  'privacy.exportNone': 'No requests yet.',
  'privacy.exportOf': 'Export of {date}',
  'privacy.exportExpires': 'Available until {date}',
  'privacy.exportDownload': 'Download the ZIP',
  'privacy.exportStatus.pending': 'Preparing',
  'privacy.exportStatus.ready': 'Ready',
  'privacy.exportStatus.failed': 'Failed',
  'privacy.exportStatus.expired': 'Expired',
  'privacy.choicesTitle': 'My choices',
  'privacy.consentsNone': 'No processing depends on your consent at the moment.',
  'privacy.objectionLabel': 'Leave me out of statistics',
  'privacy.objectionBody': 'Your data will no longer be counted in aggregate statistics or used to improve the service.',
  'privacy.restrictionLabel': 'Restrict the processing of my data',
  'privacy.restrictionBody': 'Your data is kept but no longer processed: the coach, personalisation, statistics and deletion for inactivity are paused until you lift the restriction. We tell you before we lift it ourselves.',
  'privacy.requestsTitle': 'My requests',
  'privacy.requestsBody': 'Your requests (copy, deletion, restriction…) and the date by which we must have answered.',
  'privacy.requestsNone': 'No requests yet.',
  'privacy.requestReceived': 'received {date}',
  'privacy.requestDue': 'answer due by {date}',
  'privacy.requestCompleted': 'completed {date}',
  'privacy.requestExtended': 'Deadline extended to {date}: {reason}',
  'privacy.requestType.export': 'Copy of my data',
  'privacy.requestType.access': 'Copy of my data',
  'privacy.requestType.erasure': 'Account deletion',
  'privacy.requestType.restriction': 'Restriction of processing',
  'privacy.requestType.objection': 'Objection',
  'privacy.requestType.rectification': 'Rectification',
  'privacy.requestStatus.received': 'Received',
  'privacy.requestStatus.pending': 'In progress',
  'privacy.requestStatus.in-progress': 'In progress',
  'privacy.requestStatus.running': 'In progress',
  'privacy.requestStatus.completed': 'Completed',
  'privacy.requestStatus.failed': 'Failed',
  'privacy.requestStatus.extended': 'Extended',
  'privacy.activityTitle': 'Recent account activity',
  'privacy.activityBody': "Your account's latest events, to spot any access you do not recognise.",
  'privacy.activityNone': 'No activity recorded.',
  'privacy.event.sign-in': 'Sign-in',
  'privacy.event.signed-in': 'Sign-in',
  'privacy.event.sign-out': 'Sign-out',
  'privacy.event.logout-all': 'Signed out of every device',
  'privacy.event.link-requested': 'Sign-in link requested',
  'privacy.event.account-created': 'Account created',
  'privacy.event.email-changed': 'E-mail address changed',
  'privacy.event.export-requested': 'Data copy requested',
  'privacy.accountTitle': 'Account and sessions',
  'privacy.emailNew': 'Change e-mail address',
  'privacy.emailButton': 'Send the link',
  'privacy.emailSent': 'A confirmation link was sent to {email}. The address changes when you follow it.',
  'privacy.signOutAll': 'Sign out everywhere',
  'privacy.signedOutAll': 'You are signed out of all your devices ({n} sessions).',
  'privacy.deleteTitle': 'Delete my account',
  'privacy.deleteIntro': 'Permanently deletes your account, profile, conversations and exports. This cannot be undone.',
  'privacy.deleteButton': 'Delete my account',
  'privacy.deleteBody': 'Everything will be erased: account, profile, conversations, consents and exports. Only a record without personal data will prove the deletion took place.',
  'privacy.deleteConfirmLabel': 'To confirm, type your e-mail address: {email}',
  'privacy.deleteConfirm': 'Delete for good',
  'privacy.deleted': 'Your account is being deleted. You are signed out. Thank you for using JIMP.',
  'privacy.policyLink': 'Everything we do with your data is explained in the',

  'policy.title': 'Privacy policy',
  'policy.versionLine': 'Version {v} of {date}, in force since {effective}',
  'policy.currentTag': 'in force',
  'policy.versions': 'Versions',
  'policy.docLanguage': 'Document language',
  'policy.oldVersion': 'You are reading an old version. The version in force is {v}.',
  'policy.seeCurrent': 'See the version in force',
  'policy.upcoming': 'A new version ({v}) takes effect on {date}.',
  'policy.upcomingMaterial': 'Important change: version {v} takes effect on {date}.',
  'policy.readUpcoming': 'Read the new version',
  'policy.frAuthoritative': 'The French version is authoritative.',
  ...operatorEn,
};

export const dictionaries: Record<Lang, Record<Key, string>> = { fr, en };

let current: Lang = 'fr';
const listeners = new Set<() => void>();

function readStoredLang(): Lang {
  try {
    const stored = localStorage.getItem(LANG_KEY);
    return stored === 'en' ? 'en' : 'fr';
  } catch {
    return 'fr';
  }
}

export function initLang(): void {
  current = readStoredLang();
  document.documentElement.lang = current;
}

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = next;
  for (const listener of listeners) listener();
}

export function onLangChange(listener: () => void): void {
  listeners.add(listener);
}

export function t(key: Key, vars?: Record<string, string | number>): string {
  const text = dictionaries[current][key] ?? fr[key] ?? key;
  return vars ? text.replace(/\{(\w+)\}/g, (match, name: string) => (name in vars ? String(vars[name]) : match)) : text;
}

/** For keys built at run time (a status or an event name the server sends): undefined when unknown. */
export function tryT(key: string): string | undefined {
  return Object.hasOwn(fr, key) ? t(key as Key) : undefined;
}

/** An option's label from the API ({id, fr, en}) in the interface language. */
export function optionLabel(option: Option): string {
  return (current === 'en' ? option.en : option.fr) || option.id;
}

const locale = (): string => (current === 'en' ? 'en-GB' : 'fr-FR');

export function fmtDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'long', year: 'numeric' }).format(date);
}

export function fmtDateShort(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', year: 'numeric' }).format(date);
}

export function fmtDateTime(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' }).format(date);
}

export function fmtNumber(n: number): string {
  return new Intl.NumberFormat(locale(), { notation: n >= 10000 ? 'compact' : 'standard', maximumFractionDigits: 1 }).format(n);
}

export function fmtRelative(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const seconds = (date.getTime() - Date.now()) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(Math.round(seconds), 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 86400 * 7) return rtf.format(Math.round(seconds / 86400), 'day');
  return fmtDate(iso);
}
