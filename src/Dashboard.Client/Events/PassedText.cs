using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dashboard.Client;

/// <summary>
/// A text argument that was passed, possibly as null. afterimage tests <c>"model_name" in kwargs</c>:
/// <c>model_name=None</c> records model_usage:None while leaving it out records nothing, so the wire
/// must tell an explicit null from an absent field. Absent is a null <see cref="PassedText"/>.
/// </summary>
[JsonConverter(typeof(PassedTextConverter))]
internal sealed record PassedText(string? Value)
{
    public static PassedText? From(string? value, bool passed) => passed ? new PassedText(value) : null;
}

internal sealed class PassedTextConverter : JsonConverter<PassedText>
{
    public override PassedText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(reader.TokenType == JsonTokenType.Null ? null : reader.GetString());

    public override void Write(Utf8JsonWriter writer, PassedText value, JsonSerializerOptions options)
    {
        if (value.Value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value.Value);
        }
    }
}
