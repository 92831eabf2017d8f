using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Azure.Data.Tables;

namespace Jimp.Functions.Backups;

/// <summary>
/// One entity per line (JSON Lines, gzip-compressed per table): <c>{"pk":…,"rk":…,"p":{"Name":["Type",value],…}}</c>.
/// Every property carries its Table type (String, Int32, Int64, Double, Boolean, DateTime, Guid, Binary), so a restore
/// writes back exactly what was read: an Int64 stays an Int64 (carried as a string, JSON numbers lose digits), a
/// DateTime keeps its ticks, a binary its bytes. <c>Timestamp</c> and the ETag are the service's own and are not kept.
/// </summary>
public static class BackupFormat
{
    /// <summary>Text as it is (a backup is not HTML): only what JSON itself requires is escaped.</summary>
    private static readonly JsonWriterOptions LineOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void Write(Utf8JsonWriter json, TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(entity);
        json.WriteStartObject();
        json.WriteString("pk", entity.PartitionKey);
        json.WriteString("rk", entity.RowKey);
        json.WriteStartObject("p");
        foreach (var (name, value) in entity)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "odata.etag" || value is null) continue;
            json.WriteStartArray(name);
            switch (value)
            {
                case string s: json.WriteStringValue("String"); json.WriteStringValue(s); break;
                case int i: json.WriteStringValue("Int32"); json.WriteNumberValue(i); break;
                case long l: json.WriteStringValue("Int64"); json.WriteStringValue(l.ToString(CultureInfo.InvariantCulture)); break;
                case double d: json.WriteStringValue("Double"); json.WriteStringValue(d.ToString("R", CultureInfo.InvariantCulture)); break;
                case bool b: json.WriteStringValue("Boolean"); json.WriteBooleanValue(b); break;
                case DateTimeOffset t: json.WriteStringValue("DateTime"); json.WriteStringValue(t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture)); break;
                case DateTime t: json.WriteStringValue("DateTime"); json.WriteStringValue(t.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)); break;
                case Guid g: json.WriteStringValue("Guid"); json.WriteStringValue(g.ToString("D")); break;
                case byte[] bytes: json.WriteStringValue("Binary"); json.WriteBase64StringValue(bytes); break;
                case BinaryData data: json.WriteStringValue("Binary"); json.WriteBase64StringValue(data.ToArray()); break;
                default: throw new NotSupportedException($"Property {name} has a type ({value.GetType().Name}) the Table service does not store.");
            }
            json.WriteEndArray();
        }
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>One line as UTF-8 bytes (no newline).</summary>
    public static byte[] ToLine(TableEntity entity)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer, LineOptions)) Write(json, entity);
        return buffer.WrittenSpan.ToArray();
    }

    public static TableEntity Read(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        using var document = JsonDocument.ParseValue(ref reader);
        var root = document.RootElement;
        var entity = new TableEntity(root.GetProperty("pk").GetString(), root.GetProperty("rk").GetString());
        foreach (var property in root.GetProperty("p").EnumerateObject())
        {
            var type = property.Value[0].GetString();
            var value = property.Value[1];
            entity[property.Name] = type switch
            {
                "String" => value.GetString(),
                "Int32" => value.GetInt32(),
                "Int64" => long.Parse(value.GetString()!, CultureInfo.InvariantCulture),
                "Double" => double.Parse(value.GetString()!, CultureInfo.InvariantCulture),
                "Boolean" => value.GetBoolean(),
                "DateTime" => DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                "Guid" => Guid.Parse(value.GetString()!),
                "Binary" => value.GetBytesFromBase64(),
                _ => throw new FormatException($"Unknown property type {type} in a backup line."),
            };
        }
        return entity;
    }
}
