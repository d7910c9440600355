namespace Dashboard.Components.Charts;

/// <summary>Lines over time buckets, broken where buckets without a value lie between two with one.</summary>
public static class ChartLines
{
    /// <summary>
    /// The points (x in ms, in time order, one per bucket that has a value) with a null point one bucket after any point
    /// whose next lies more than a bucket later: a run paused for ten minutes drew a straight line across the pause as
    /// if it had data there.
    /// </summary>
    public static List<ChartPoint> Broken(IEnumerable<ChartPoint> points, double bucketMs)
    {
        var line = new List<ChartPoint>();
        double? previous = null;
        foreach (var point in points)
        {
            if (previous is { } p && point.X - p > bucketMs)
            {
                line.Add(new ChartPoint(p + bucketMs, null));
            }
            line.Add(point);
            previous = point.X;
        }
        return line;
    }
}
