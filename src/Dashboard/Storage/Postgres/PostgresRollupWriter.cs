using Dashboard.Core;
using Dashboard.Storage.Rollups;
using Npgsql;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// Writes a transaction's rollup rows, event seconds and token rollups inside the points' transaction, so a reader
/// never sees points without their rollups. Its statements ride in the round trip of the runs' counters (no round trip
/// of their own). Sketches merge in C# (their format is C#): the writer keeps the sketch of each row it wrote lately
/// with the row's version (<c>xmin</c>, the writing transaction), and updates a row with the merged sketch only while
/// the row is still at that version, so the stored sketch is not read back. A row another instance wrote since, or one
/// this writer does not know, is neither updated nor (it exists) inserted: those are read and merged in a second step,
/// safe against a second instance because the batch already holds its runs' rows (the counters' UPDATE runs first).
/// </summary>
internal sealed class PostgresRollupWriter
{
    /// <summary>Rows known per generation; two generations are kept (a row of the current buckets is rewritten every batch).</summary>
    private const int MaxKnown = 5_000;

    private Dictionary<RollupKey, KnownSketch> _known = [];
    private Dictionary<RollupKey, KnownSketch> _older = [];
    private readonly Dictionary<RollupKey, KnownSketch> _pending = [];
    private List<KeyValuePair<RollupKey, RollupCell>> _cells = [];
    private QuantileSketch?[] _merged = [];
    private bool[] _written = [];

    /// <summary>Adds the rollups' statements to <paramref name="batch"/>; true when the first one added returns rows (<see cref="ReadCells"/>).</summary>
    public bool AddTo(NpgsqlBatch batch, RollupAccumulator rollups)
    {
        _pending.Clear();
        _cells = [.. rollups.Cells];
        _merged = new QuantileSketch?[_cells.Count];
        _written = new bool[_cells.Count];
        if (_cells.Count > 0)
        {
            batch.BatchCommands.Add(UpsertCells());
        }
        if (rollups.Events.Count > 0)
        {
            var events = rollups.Events.ToList();
            var upsert = new NpgsqlBatchCommand("""
                INSERT INTO run_event_seconds AS e (run_id, second, events)
                SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])
                ON CONFLICT (run_id, second) DO UPDATE SET events = e.events + excluded.events
                """);
            Add(upsert.Parameters, events.Select(x => x.Key.RunId).ToArray());
            Add(upsert.Parameters, events.Select(x => x.Key.Second).ToArray());
            Add(upsert.Parameters, events.Select(x => x.Value).ToArray());
            batch.BatchCommands.Add(upsert);
        }
        if (rollups.Tokens.Count > 0)
        {
            batch.BatchCommands.Add(UpsertTokens([.. rollups.Tokens]));
        }
        return _cells.Count > 0;
    }

    /// <summary>The cells statement's result: which rows it updated or inserted, at which version.</summary>
    public void ReadCells(NpgsqlDataReader r)
    {
        while (r.Read())
        {
            var i = (int)r.GetInt64(0) - 1;
            _written[i] = true;
            // An inserted row holds the batch's sketch alone (a known row may have vanished, e.g. to retention).
            Remember(i, r.GetInt64(1), r.GetBoolean(2) ? _merged[i]! : _cells[i].Value.Sketch);
        }
    }

    /// <summary>Rows the cells statement left alone (unknown or changed by another writer): read, merged, written back.</summary>
    public void MergeMissed(NpgsqlConnection c, NpgsqlTransaction tx)
    {
        var missed = Enumerable.Range(0, _cells.Count).Where(i => !_written[i]).ToList();
        if (missed.Count == 0)
        {
            return;
        }
        var keys = missed.Select(i => _cells[i].Key).ToList();
        var sketches = missed.Select(i => _cells[i].Value.Sketch).ToArray();
        using (var read = new NpgsqlCommand("""
            SELECT k.i, p.sketch FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[]) WITH ORDINALITY AS k(r, m, w, b, model, i)
            JOIN point_rollups p ON p.run_id = k.r AND p.metric_id = k.m AND p.width = k.w AND p.bucket = k.b AND p.model = k.model
            """, c, tx))
        {
            AddKeys(read.Parameters, keys);
            using var r = read.ExecuteReader();
            while (r.Read())
            {
                var i = (int)r.GetInt64(0) - 1;
                var merged = QuantileSketch.FromBytes((byte[])r.GetValue(1));
                merged.Merge(sketches[i]);
                sketches[i] = merged;
            }
        }
        using var upsert = new NpgsqlCommand("""
            INSERT INTO point_rollups AS p (run_id, metric_id, width, bucket, model, count, sum, min, max, int_sum, sketch)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::float8[],
                $8::float8[], $9::float8[], $10::bigint[], $11::bytea[])
            ON CONFLICT (run_id, metric_id, width, bucket, model) DO UPDATE SET
                count = p.count + excluded.count, sum = p.sum + excluded.sum,
                min = LEAST(p.min, excluded.min), max = GREATEST(p.max, excluded.max),
                int_sum = p.int_sum + excluded.int_sum, sketch = excluded.sketch
            RETURNING p.xmin::text::bigint
            """, c, tx);
        AddKeys(upsert.Parameters, keys);
        AddValues(upsert.Parameters, missed.Select(i => _cells[i].Value).ToList());
        Add(upsert.Parameters, sketches.Select(s => s.ToBytes()).ToArray());
        // Every row this transaction writes carries its id as xmin: one value for all.
        var version = (long)upsert.ExecuteScalar()!;
        for (var j = 0; j < missed.Count; j++)
        {
            Remember(missed[j], version, sketches[j]);
        }
    }

    /// <summary>The transaction committed: the sketches it wrote become the known ones.</summary>
    public void Committed()
    {
        if (_known.Count + _pending.Count > MaxKnown)
        {
            (_older, _known) = (_known, []);
        }
        foreach (var (key, known) in _pending)
        {
            _known[key] = known;
            _older.Remove(key);
        }
        _pending.Clear();
    }

    /// <summary>Forgets every known sketch (a rolled-back transaction may have merged into them).</summary>
    public void Reset()
    {
        _known.Clear();
        _older.Clear();
        _pending.Clear();
    }

    private void Remember(int i, long version, QuantileSketch stored) => _pending[_cells[i].Key] = new KnownSketch(version, stored);

    /// <summary>
    /// One statement: rows still at the version this writer wrote get the merged sketch (UPDATE), rows that do not exist
    /// are inserted with the batch's own sketch, and the rest are left for <see cref="MergeMissed"/>. It returns the
    /// ordinal and new version of each row it wrote.
    /// </summary>
    private NpgsqlBatchCommand UpsertCells()
    {
        var merged = new byte[]?[_cells.Count];
        var versions = new long?[_cells.Count];
        for (var i = 0; i < _cells.Count; i++)
        {
            var (key, cell) = (_cells[i].Key, _cells[i].Value);
            if (_known.TryGetValue(key, out var known) || _older.TryGetValue(key, out known))
            {
                // Merged in place: any failure resets the known sketches, and a stale one is replaced by MergeMissed.
                known.Sketch.Merge(cell.Sketch);
                _merged[i] = known.Sketch;
                merged[i] = known.Sketch.ToBytes();
                versions[i] = known.Version;
            }
        }
        var upsert = new NpgsqlBatchCommand("""
            WITH k AS (
                SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::float8[],
                    $8::float8[], $9::float8[], $10::bigint[], $11::bytea[], $12::bytea[], $13::bigint[]) WITH ORDINALITY
                    AS k(r, m, w, b, model, c, s, mn, mx, isum, sketch, merged, version, i)),
            updated AS (
                UPDATE point_rollups p SET count = p.count + k.c, sum = p.sum + k.s, min = LEAST(p.min, k.mn), max = GREATEST(p.max, k.mx),
                    int_sum = p.int_sum + k.isum, sketch = k.merged
                FROM k WHERE k.version IS NOT NULL AND p.run_id = k.r AND p.metric_id = k.m AND p.width = k.w AND p.bucket = k.b
                    AND p.model = k.model AND p.xmin::text::bigint = k.version
                RETURNING k.i, p.xmin::text::bigint AS v),
            inserted AS (
                INSERT INTO point_rollups (run_id, metric_id, width, bucket, model, count, sum, min, max, int_sum, sketch)
                SELECT k.r, k.m, k.w, k.b, k.model, k.c, k.s, k.mn, k.mx, k.isum, k.sketch FROM k
                WHERE NOT EXISTS (SELECT 1 FROM updated u WHERE u.i = k.i)
                ON CONFLICT DO NOTHING
                RETURNING run_id, metric_id, width, bucket, model, xmin::text::bigint AS v)
            SELECT i, v, true FROM updated
            UNION ALL
            SELECT k.i, n.v, false FROM inserted n
            JOIN k ON n.run_id = k.r AND n.metric_id = k.m AND n.width = k.w AND n.bucket = k.b AND n.model = k.model
            """);
        AddKeys(upsert.Parameters, _cells.Select(x => x.Key).ToList());
        AddValues(upsert.Parameters, _cells.Select(x => x.Value).ToList());
        Add(upsert.Parameters, _cells.Select(x => x.Value.Sketch.ToBytes()).ToArray());
        Add(upsert.Parameters, merged);
        Add(upsert.Parameters, versions);
        return upsert;
    }

    private static NpgsqlBatchCommand UpsertTokens(List<KeyValuePair<TokenKey, TokenCell>> tokens)
    {
        var upsert = new NpgsqlBatchCommand("""
            INSERT INTO token_rollups AS k (run_id, width, bucket, model, judge, prompt, completion, total, total_value, events, derived)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::boolean[], $6::bigint[], $7::bigint[],
                $8::bigint[], $9::float8[], $10::bigint[], $11::bigint[])
            ON CONFLICT (run_id, width, bucket, model, judge) DO UPDATE SET
                prompt = k.prompt + excluded.prompt, completion = k.completion + excluded.completion, total = k.total + excluded.total,
                total_value = k.total_value + excluded.total_value, events = k.events + excluded.events, derived = k.derived + excluded.derived
            """);
        Add(upsert.Parameters, tokens.Select(x => x.Key.RunId).ToArray());
        Add(upsert.Parameters, tokens.Select(x => x.Key.Width).ToArray());
        Add(upsert.Parameters, tokens.Select(x => x.Key.Bucket).ToArray());
        Add(upsert.Parameters, tokens.Select(x => PostgresWriteBatch.NoNul(x.Key.Model)).ToArray());
        Add(upsert.Parameters, tokens.Select(x => x.Key.Judge).ToArray());
        Add(upsert.Parameters, tokens.Select(x => x.Value.Prompt).ToArray());
        Add(upsert.Parameters, tokens.Select(x => x.Value.Completion).ToArray());
        Add(upsert.Parameters, tokens.Select(x => x.Value.Total).ToArray());
        Add(upsert.Parameters, tokens.Select(x => x.Value.TotalValue).ToArray());
        Add(upsert.Parameters, tokens.Select(x => x.Value.Events).ToArray());
        Add(upsert.Parameters, tokens.Select(x => x.Value.Derived).ToArray());
        return upsert;
    }

    private static void AddKeys(NpgsqlParameterCollection parameters, List<RollupKey> keys)
    {
        Add(parameters, keys.Select(k => k.RunId).ToArray());
        Add(parameters, keys.Select(k => k.MetricId).ToArray());
        Add(parameters, keys.Select(k => k.Width).ToArray());
        Add(parameters, keys.Select(k => k.Bucket).ToArray());
        Add(parameters, keys.Select(k => PostgresWriteBatch.NoNul(k.Model)).ToArray());
    }

    private static void AddValues(NpgsqlParameterCollection parameters, List<RollupCell> cells)
    {
        Add(parameters, cells.Select(c => c.Count).ToArray());
        Add(parameters, cells.Select(c => c.Sum).ToArray());
        Add(parameters, cells.Select(c => c.Min).ToArray());
        Add(parameters, cells.Select(c => c.Max).ToArray());
        Add(parameters, cells.Select(c => c.IntSum).ToArray());
    }

    private static void Add(NpgsqlParameterCollection parameters, object values) => parameters.Add(new NpgsqlParameter { Value = values });

    private readonly record struct KnownSketch(long Version, QuantileSketch Sketch);
}
