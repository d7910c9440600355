using System.Text.RegularExpressions;

namespace Dashboard.Core;

/// <summary>
/// The one rule for run names (also used for project names and custom alert rule names): 1-128 characters
/// from letters, digits, '.', '_', ':' and '-', not made of dots only. Anchored with \A and \z: '$' would
/// also match before a final "\n", letting "trail\n" through. '.' and '..' are refused because they
/// cannot be addressed in a URL path (/runs/.. resolves to the parent).
/// </summary>
public static partial class RunNameRule
{
    public const string Description = "1-128 characters from letters, digits, '.', '_', ':' and '-', not only dots";

    [GeneratedRegex(@"\A(?!\.+\z)[A-Za-z0-9._:-]{1,128}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>The message for a field that breaks the rule, e.g. "'run' must be 1-128 characters ...".</summary>
    public static string Message(string field) => $"'{field}' must be {Description}.";
}
