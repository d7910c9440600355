namespace Dashboard.Alerts;

/// <summary>A rule whose condition holds for one run at this evaluation.</summary>
public sealed record AlertCondition(string Rule, string? Run, string Severity, double Value, double Threshold, string Message, int ForSeconds);

/// <summary>count, sum and the two threshold shares of one metric of one run inside a window.</summary>
public sealed record WindowAggregate(long Count, double Sum, long BelowLow, long AboveHigh)
{
    public double Mean => Sum / Count;
}
