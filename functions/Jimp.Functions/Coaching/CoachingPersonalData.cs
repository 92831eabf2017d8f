using System.Globalization;
using Azure.Data.Tables;
using Jimp.Functions.Privacy;
using Microsoft.Extensions.DependencyInjection;

namespace Jimp.Functions.Coaching;

/// <summary>The coaching feature's personal data, declared beside its stores (export and erasure go through these).</summary>
public static class CoachingPersonalData
{
    private const string Contract = "Contract (Art. 6(1)(b))";

    public static IServiceCollection AddCoachingPersonalData(this IServiceCollection services)
    {
        services.AddUserPartitionTable(ProfileStore.Table,
            ("Profil de coaching", "Coaching profile"), "Personalise the coaching (niche, goals, level, learning style, country, language).", Contract,
            "Until the account is deleted, or 24 months without sign-in.",
            new("Personnaliser le coaching (niche, objectifs, niveau, style d'apprentissage, pays, langue).", PersonalDataTexts.ContractFr, PersonalDataTexts.AccountLifetimeFr));
        services.AddUserPartitionTable(ConversationStore.Table,
            ("Conversations", "Conversations"), "Coach the user in a chat and keep their conversations.", Contract,
            "Until the user deletes them or the account, or 24 months without sign-in.",
            new("Vous coacher dans un chat et garder vos conversations.", PersonalDataTexts.ContractFr,
                "Jusqu'à ce que vous les supprimiez, ou supprimiez le compte, ou après 24 mois sans connexion."), ConversationRecord);
        return services;
    }

/// <summary>Conversation rows: list entries, states and messages; messages of the coach carry <c>ai_generated: true</c>.</summary>
    private static ExportRecord? ConversationRecord(TableEntity e)
    {
        if (e.RowKey.StartsWith("c-", StringComparison.Ordinal))
        {
            return new ExportRecord
            {
                ["type"] = "conversation",
                ["conversation_id"] = e.RowKey[2..],
                ["title"] = e.GetString("Title"),
                ["created_at"] = Iso(e.GetDateTimeOffset("CreatedAt")),
                ["updated_at"] = Iso(e.GetDateTimeOffset("UpdatedAt")),
            };
        }
        if (e.RowKey == ConversationStore.UsageRow)
        {
            return new ExportRecord
            {
                ["type"] = "chat_usage",
                ["day"] = e.GetString("Day"),
                ["turns"] = e.GetInt32("Turns"),
                ["model_tokens"] = e.GetInt64("ModelTokens"),
            };
        }
        var dash = e.RowKey.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0) return null; // the conversation's technical state (trends pinned for the day): not personal beyond the above
        var role = e.GetString("Role");
        return new ExportRecord
        {
            ["type"] = "message",
            ["conversation_id"] = e.RowKey[..dash],
            ["message_id"] = e.RowKey[(dash + 1)..],
            ["role"] = role,
            ["text"] = e.GetString("Text"),
            ["created_at"] = Iso(e.GetDateTimeOffset("CreatedAt")),
            ["status"] = e.GetString("Status"),
            ["mode"] = e.GetString("Mode"),
            ["ai_generated"] = role == ChatTurn.Assistant,
            // Stored with each answer of the coach (what the model read and wrote); 0 for the user's own messages.
            ["prompt_tokens"] = e.GetInt32("PromptTokens") ?? 0,
            ["completion_tokens"] = e.GetInt32("CompletionTokens") ?? 0,
        };
    }

    private static string? Iso(DateTimeOffset? d) => d?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
