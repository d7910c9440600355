namespace Dashboard.Storage;

/// <summary>What the prediction summary needs: the runs that have predictions, and one run's points since a time.</summary>
public interface IPredictionReader
{
    /// <summary>Most runs <see cref="GetRuns"/> lists (page picker and GET /api/v1/predictions/runs).</summary>
    const int MaxRuns = 200;

    /// <summary>Runs with a prediction_confidence or prediction_error metric, most recently active first, at most <see cref="MaxRuns"/>.</summary>
    IReadOnlyList<PredictionRun> GetRuns(CancellationToken ct = default);

    /// <summary>
    /// The summary's totals of the run since <paramref name="from"/>: from rollups of whole minutes and hours plus the
    /// raw points before the first whole minute (see Rollups.SummaryReading for what is exact), or, for a window of
    /// few points, from the raw points.
    /// </summary>
    PredictionTotals GetTotals(long runId, long from, CancellationToken ct = default);

    /// <summary>The run's stored event count now (runs.event_count): what a live page compares commits with (<see cref="CommittedRun.RunEvents"/>).</summary>
    long GetRunEvents(long runId, CancellationToken ct = default);

    /// <summary>The same totals from every raw point of the window (what the rollups must equal; slow for long runs).</summary>
    PredictionTotals GetRawTotals(long runId, long from, CancellationToken ct = default);
}
