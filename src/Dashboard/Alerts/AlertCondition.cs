namespace Dashboard.Alerts;

/// <summary>A rule whose condition holds for one run at this evaluation.</summary>
public sealed record AlertCondition(string Rule, string? Run, string Severity, double Value, double Threshold, string Message, int ForSeconds);
