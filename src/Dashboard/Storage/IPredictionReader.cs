namespace Dashboard.Storage;

/// <summary>What the prediction summary needs: the runs that have predictions, and one run's points since a time.</summary>
public interface IPredictionReader
{
    /// <summary>Most runs <see cref="GetRuns"/> lists (page picker and GET /api/v1/predictions/runs).</summary>
    const int MaxRuns = 200;

    /// <summary>Runs with a prediction_confidence or prediction_error metric, most recently active first, at most <see cref="MaxRuns"/>.</summary>
    IReadOnlyList<PredictionRun> GetRuns(CancellationToken ct = default);

    /// <summary>The run's confidence points (with their label), processing times and error count since <paramref name="from"/>.</summary>
    PredictionData GetData(long runId, long from, CancellationToken ct = default);
}
