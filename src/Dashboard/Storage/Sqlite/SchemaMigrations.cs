namespace Dashboard.Storage.Sqlite;

/// <summary>
/// The schema, as numbered steps. dotnet-ef is not served here, so the dashboard upgrades its own
/// database at start-up: each step runs once, in order, inside a transaction, and the file records
/// the version it reached (PRAGMA user_version). Never edit a released step; add the next one.
/// </summary>
internal static class SchemaMigrations
{
    public static readonly IReadOnlyList<(int Version, string Sql)> Steps =
    [
        (1, """
            CREATE TABLE runs (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE,
                project TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                first_ts INTEGER,
                last_ts INTEGER,
                last_received_at INTEGER NOT NULL,
                event_count INTEGER NOT NULL DEFAULT 0
            );
            CREATE INDEX ix_runs_project ON runs(project);
            CREATE TABLE metric_names (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL UNIQUE
            );
            CREATE TABLE points (
                run_id INTEGER NOT NULL,
                metric_id INTEGER NOT NULL,
                ts INTEGER NOT NULL,
                value REAL NOT NULL,
                model_name TEXT,
                metadata TEXT
            );
            CREATE INDEX ix_points_run_metric_ts ON points(run_id, metric_id, ts);
            CREATE TABLE run_metrics (
                run_id INTEGER NOT NULL,
                metric_id INTEGER NOT NULL,
                count INTEGER NOT NULL,
                sum REAL NOT NULL,
                min REAL NOT NULL,
                max REAL NOT NULL,
                last_value REAL NOT NULL,
                last_ts INTEGER NOT NULL,
                PRIMARY KEY (run_id, metric_id)
            ) WITHOUT ROWID;
            CREATE TABLE event_ids (
                run_id INTEGER NOT NULL,
                event_id TEXT NOT NULL,
                PRIMARY KEY (run_id, event_id)
            ) WITHOUT ROWID;
            CREATE TABLE logs (
                id INTEGER PRIMARY KEY,
                run_id INTEGER NOT NULL,
                ts INTEGER NOT NULL,
                level TEXT NOT NULL,
                message TEXT NOT NULL,
                data TEXT
            );
            CREATE INDEX ix_logs_run_ts ON logs(run_id, ts);
            """),
        (2, """
            CREATE TABLE alerts (
                id INTEGER PRIMARY KEY,
                rule TEXT NOT NULL,
                run TEXT,
                severity TEXT NOT NULL,
                state TEXT NOT NULL,
                message TEXT NOT NULL,
                value REAL,
                threshold REAL,
                started_at INTEGER NOT NULL,
                resolved_at INTEGER,
                updated_at INTEGER NOT NULL,
                metadata TEXT
            );
            CREATE INDEX ix_alerts_run_id ON alerts(run, id);
            CREATE INDEX ix_alerts_state ON alerts(state);
            CREATE TABLE alert_settings (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                document TEXT NOT NULL,
                updated_at INTEGER NOT NULL
            );
            """),
        (3, """
            CREATE TABLE api_keys (
                id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                role TEXT NOT NULL,
                kind TEXT NOT NULL,
                hash BLOB NOT NULL UNIQUE,
                prefix TEXT NOT NULL,
                created_at INTEGER NOT NULL,
                revoked_at INTEGER
            );
            CREATE INDEX ix_runs_last_received_at ON runs(last_received_at);
            """),
        // Charts, stats and token sums read value (and model_name) of every point in range: carrying them in the
        // index makes those reads index-only instead of one table b-tree descent per point (about 9x on 1M points).
        (4, """
            CREATE INDEX ix_points_run_metric_ts_value ON points(run_id, metric_id, ts, value, model_name);
            DROP INDEX ix_points_run_metric_ts;
            """),
        // What an export's header needs, kept by the writer so exports need no first pass over the points: per run and
        // metric how many points have a model name, and per metadata key how many values are numbers and how many are
        // other non-null values. Backfilled once from the stored points.
        (5, """
            CREATE TABLE run_metric_keys (
                run_id INTEGER NOT NULL,
                metric_id INTEGER NOT NULL,
                key TEXT NOT NULL,
                numeric INTEGER NOT NULL,
                other INTEGER NOT NULL,
                PRIMARY KEY (run_id, metric_id, key)
            ) WITHOUT ROWID;
            ALTER TABLE run_metrics ADD COLUMN model_points INTEGER NOT NULL DEFAULT 0;
            UPDATE run_metrics SET model_points = (
                SELECT COUNT(p.model_name) FROM points p WHERE p.run_id = run_metrics.run_id AND p.metric_id = run_metrics.metric_id);
            INSERT INTO run_metric_keys (run_id, metric_id, key, numeric, other)
            SELECT p.run_id, p.metric_id, j.key,
                SUM(j.type IN ('integer', 'real')), SUM(j.type NOT IN ('integer', 'real', 'null'))
            FROM (SELECT run_id, metric_id, metadata FROM points
                  WHERE metadata IS NOT NULL AND json_valid(metadata) AND json_type(metadata) = 'object') p,
                json_each(p.metadata) j
            GROUP BY p.run_id, p.metric_id, j.key;
            """),
        // Webhook delivery status per target URL (issue 11): kept across restarts so /settings shows the last outcome.
        (6, """
            CREATE TABLE webhook_status (
                url TEXT PRIMARY KEY,
                succeeded INTEGER NOT NULL,
                at INTEGER NOT NULL,
                last_failure TEXT,
                last_failure_at INTEGER,
                delivered INTEGER NOT NULL DEFAULT 0,
                failed INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            """),
        // NaN, Infinity and -Infinity points are kept, apart from the finite ones: SQLite stores a bound NaN as NULL,
        // and every sum, series, chart and rollup over points stays finite. Stats count them separately (README).
        (7, """
            CREATE TABLE nonfinite_points (
                run_id INTEGER NOT NULL,
                metric_id INTEGER NOT NULL,
                ts INTEGER NOT NULL,
                value TEXT NOT NULL CHECK (value IN ('NaN', 'Infinity', '-Infinity')),
                model_name TEXT,
                metadata TEXT
            );
            CREATE INDEX ix_nonfinite_points_run_metric_ts ON nonfinite_points(run_id, metric_id, ts);
            """),
        // Deleting a run removes its row at once and records its id here; the points, logs and event ids still carrying
        // that id are purged in the background (Runs/RunPurger), and the row goes when they are gone. New runs never
        // take an id listed here (see SqliteWriteStatements.EnsureRun).
        (8, """
            CREATE TABLE run_purges (
                run_id INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                marked_at INTEGER NOT NULL
            );
            """),
        // Browser sessions on the server (issue 11): the cookie names a row here, so sign-out and key revocation end it.
        (9, """
            CREATE TABLE sessions (
                id TEXT PRIMARY KEY,
                key_id TEXT NOT NULL,
                ticket BLOB NOT NULL,
                expires_at INTEGER NOT NULL,
                created_at INTEGER NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX ix_sessions_key_id ON sessions(key_id);
            """),
        // Cost and run goals (issue 16). prices: one row per model key (lower-case; '*' matches any text) and valid-from
        // UTC day, seeded once with the starter table (USD list prices as the author knew them, README "Cost"): editing or
        // emptying it later is the user's. run_goals: keyed by run id (purged with the run). score_thresholds: the
        // minimum evaluation score that makes a sample "accepted", per score name.
        (10, """
            CREATE TABLE prices (
                model_key TEXT NOT NULL,
                model TEXT NOT NULL,
                valid_from TEXT NOT NULL,
                input_per_million REAL NOT NULL,
                output_per_million REAL NOT NULL,
                cached_input_per_million REAL,
                currency TEXT NOT NULL,
                PRIMARY KEY (model_key, valid_from)
            ) WITHOUT ROWID;
            CREATE TABLE run_goals (
                run_id INTEGER PRIMARY KEY,
                target INTEGER,
                target_kind TEXT NOT NULL CHECK (target_kind IN ('samples', 'accepted')),
                deadline INTEGER,
                accept_score TEXT,
                accept_min REAL,
                budget REAL,
                updated_at INTEGER NOT NULL
            );
            CREATE TABLE score_thresholds (
                score TEXT PRIMARY KEY,
                min REAL NOT NULL
            ) WITHOUT ROWID;
            """ + StarterPrices.InsertSql),
        // Alert lifecycle (issue 16): when the condition last held (keep_firing_for), whether a silence held back its
        // fire notification (sent when the silence ends), acknowledgement; silences by rule, run or label.
        (11, """
            ALTER TABLE alerts ADD COLUMN last_held_at INTEGER;
            ALTER TABLE alerts ADD COLUMN suppressed INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE alerts ADD COLUMN acknowledged_at INTEGER;
            ALTER TABLE alerts ADD COLUMN acknowledged_by TEXT;
            ALTER TABLE alerts ADD COLUMN ack_comment TEXT;
            CREATE TABLE silences (
                id INTEGER PRIMARY KEY,
                rule TEXT,
                run TEXT,
                labels TEXT,
                starts_at INTEGER NOT NULL,
                ends_at INTEGER NOT NULL,
                reason TEXT NOT NULL,
                created_by TEXT,
                created_at INTEGER NOT NULL
            );
            CREATE INDEX ix_silences_ends_at ON silences(ends_at);
            """),
        // Rollups (issue 14): per run, metric, model name and bucket of 1 s, 1 min and 1 h, what stats, tokens and series
        // need (count, sum, min, max, the int() sum tokens use, a 1% quantile sketch), kept by the writer in the points'
        // transaction, so an answer over any range reads whole buckets plus raw points at its edges. Stored events per
        // run and second make the overview's events/min a sum of at most 61 rows. Backfilled from the stored points
        // (rollup_sketch is an aggregate the migrator registers; see Storage/Sqlite/SqliteRollupWriter).
        (12, """
            CREATE TABLE point_rollups (
                run_id INTEGER NOT NULL,
                metric_id INTEGER NOT NULL,
                width INTEGER NOT NULL,
                bucket INTEGER NOT NULL,
                model TEXT NOT NULL,
                count INTEGER NOT NULL,
                sum REAL NOT NULL,
                min REAL NOT NULL,
                max REAL NOT NULL,
                int_sum INTEGER NOT NULL,
                sketch BLOB NOT NULL,
                PRIMARY KEY (run_id, metric_id, width, bucket, model)
            ) WITHOUT ROWID;
            CREATE TABLE run_event_seconds (
                run_id INTEGER NOT NULL,
                second INTEGER NOT NULL,
                events INTEGER NOT NULL,
                PRIMARY KEY (run_id, second)
            ) WITHOUT ROWID;
            INSERT INTO point_rollups (run_id, metric_id, width, bucket, model, count, sum, min, max, int_sum, sketch)
            SELECT p.run_id, p.metric_id, w.width, p.ts - (((p.ts % w.width) + w.width) % w.width), COALESCE(p.model_name, ''),
                COUNT(*), SUM(p.value), MIN(p.value), MAX(p.value), SUM(CAST(p.value AS INTEGER)), rollup_sketch(p.value)
            FROM points p, (SELECT 1000000 AS width UNION ALL SELECT 60000000 UNION ALL SELECT 3600000000) w
            WHERE p.run_id IN (SELECT id FROM runs)
            GROUP BY p.run_id, p.metric_id, w.width, 4, 5;
            INSERT INTO run_event_seconds (run_id, second, events)
            SELECT run_id, s, COUNT(DISTINCT ts) FROM (
                SELECT run_id, ts, ts - (((ts % 1000000) + 1000000) % 1000000) AS s FROM points WHERE run_id IN (SELECT id FROM runs))
            GROUP BY run_id, s;
            """),
        // Token rollups (issue 14): the run page's token charts per run, bucket (1 s, 1 min, 1 h), model and
        // generation/judge, folded per event as the page does (TokenCell), so its first view reads no token points. The
        // writer keeps them in the points' transaction; the backfill regroups stored token points into events by
        // (run, time, model), and an event is a judge's when its time has an evaluation time and no generation time.
        (13, """
            CREATE TABLE token_rollups (
                run_id INTEGER NOT NULL,
                width INTEGER NOT NULL,
                bucket INTEGER NOT NULL,
                model TEXT NOT NULL,
                judge INTEGER NOT NULL,
                prompt INTEGER NOT NULL,
                completion INTEGER NOT NULL,
                total INTEGER NOT NULL,
                total_value REAL NOT NULL,
                events INTEGER NOT NULL,
                derived INTEGER NOT NULL,
                PRIMARY KEY (run_id, width, bucket, model, judge)
            ) WITHOUT ROWID;
            INSERT INTO token_rollups (run_id, width, bucket, model, judge, prompt, completion, total, total_value, events, derived)
            SELECT e.run_id, w.width, e.ts - (((e.ts % w.width) + w.width) % w.width), e.model, e.judge,
                SUM(CAST(COALESCE(e.p, 0) AS INTEGER)), SUM(CAST(COALESCE(e.c, 0) AS INTEGER)),
                SUM(CAST(COALESCE(e.t, COALESCE(e.p, 0) + COALESCE(e.c, 0)) AS INTEGER)),
                SUM(COALESCE(e.t, COALESCE(e.p, 0) + COALESCE(e.c, 0))), COUNT(*), SUM(e.t IS NULL)
            FROM (
                SELECT g.*,
                    EXISTS (SELECT 1 FROM points q JOIN metric_names qn ON qn.id = q.metric_id
                        WHERE q.run_id = g.run_id AND qn.name = 'evaluation_time' AND q.ts = g.ts)
                    AND NOT EXISTS (SELECT 1 FROM points q JOIN metric_names qn ON qn.id = q.metric_id
                        WHERE q.run_id = g.run_id AND qn.name = 'generation_time' AND q.ts = g.ts) AS judge
                FROM (
                    SELECT p.run_id, p.ts, COALESCE(p.model_name, '') AS model,
                        MAX(CASE WHEN n.name = 'prompt_token_count' THEN p.value END) AS p,
                        MAX(CASE WHEN n.name = 'completion_token_count' THEN p.value END) AS c,
                        MAX(CASE WHEN n.name = 'total_token_count' THEN p.value END) AS t
                    FROM points p JOIN metric_names n ON n.id = p.metric_id
                    WHERE n.name IN ('prompt_token_count', 'completion_token_count', 'total_token_count')
                        AND p.run_id IN (SELECT id FROM runs)
                    GROUP BY p.run_id, p.ts, 3) g
            ) e, (SELECT 1000000 AS width UNION ALL SELECT 60000000 UNION ALL SELECT 3600000000) w
            GROUP BY e.run_id, w.width, 3, e.model, e.judge;
            """),
        // Summary rollups (issue 14): the predictions summary per run, bucket (1 min, 1 h) and label, processing times
        // and errors per run and bucket (with a 1% sketch), pipelines per run, bucket and pipeline name, kept by the
        // writer in the points' transaction (SqliteSummaryRollupWriter). Backfilled from stored points; summary_text
        // reads a metadata field as the writer does (MetadataText), rollup_sketch builds the sketches.
        (14, """
            CREATE TABLE prediction_rollups (
                run_id INTEGER NOT NULL,
                width INTEGER NOT NULL,
                bucket INTEGER NOT NULL,
                label TEXT NOT NULL,
                count INTEGER NOT NULL,
                sum REAL NOT NULL,
                very_low INTEGER NOT NULL,
                low INTEGER NOT NULL,
                medium INTEGER NOT NULL,
                high INTEGER NOT NULL,
                very_high INTEGER NOT NULL,
                below INTEGER NOT NULL,
                first_ts INTEGER NOT NULL,
                last_ts INTEGER NOT NULL,
                PRIMARY KEY (run_id, width, bucket, label)
            ) WITHOUT ROWID;
            CREATE TABLE prediction_time_rollups (
                run_id INTEGER NOT NULL,
                width INTEGER NOT NULL,
                bucket INTEGER NOT NULL,
                count INTEGER NOT NULL,
                sum REAL NOT NULL,
                slow INTEGER NOT NULL,
                errors INTEGER NOT NULL,
                sketch BLOB,
                PRIMARY KEY (run_id, width, bucket)
            ) WITHOUT ROWID;
            CREATE TABLE pipeline_rollups (
                run_id INTEGER NOT NULL,
                width INTEGER NOT NULL,
                bucket INTEGER NOT NULL,
                pipeline TEXT NOT NULL,
                time_count INTEGER NOT NULL,
                time_sum REAL NOT NULL,
                time_min REAL,
                time_max REAL,
                success_count INTEGER NOT NULL,
                success_sum REAL NOT NULL,
                PRIMARY KEY (run_id, width, bucket, pipeline)
            ) WITHOUT ROWID;
            """ + SummaryBackfillSql),
        // Notification groups (issue 16): the webhook sender's grouping state (Alertmanager's notification log), so a
        // restart neither re-sends a still-firing group at once nor forgets to repeat it. alerts: the group's alerts as JSON.
        (15, """
            CREATE TABLE notification_groups (
                group_key TEXT NOT NULL PRIMARY KEY,
                first_at INTEGER NOT NULL,
                last_sent_at INTEGER,
                dirty INTEGER NOT NULL,
                alerts TEXT NOT NULL
            );
            """),
    ];

    /// <summary>Step 14's backfill from stored points (a test replays it on a file whose rollups it emptied).</summary>
    internal const string SummaryBackfillSql = """
        INSERT INTO prediction_rollups (run_id, width, bucket, label, count, sum, very_low, low, medium, high, very_high, below, first_ts, last_ts)
        SELECT p.run_id, w.width, p.ts - (((p.ts % w.width) + w.width) % w.width), COALESCE(summary_text(p.metadata, 'label'), '(none)'),
            COUNT(*), SUM(p.value), SUM(p.value < 0.5), SUM(p.value >= 0.5 AND p.value < 0.7), SUM(p.value >= 0.7 AND p.value < 0.8),
            SUM(p.value >= 0.8 AND p.value < 0.9), SUM(p.value >= 0.9), SUM(p.value < 0.6), MIN(p.ts), MAX(p.ts)
        FROM points p JOIN metric_names n ON n.id = p.metric_id AND n.name = 'prediction_confidence',
            (SELECT 60000000 AS width UNION ALL SELECT 3600000000) w
        WHERE p.run_id IN (SELECT id FROM runs)
        GROUP BY p.run_id, w.width, 3, 4;
        INSERT INTO prediction_time_rollups (run_id, width, bucket, count, sum, slow, errors, sketch)
        SELECT p.run_id, w.width, p.ts - (((p.ts % w.width) + w.width) % w.width),
            COUNT(*), TOTAL(p.value), SUM(p.value > 5.0), 0, rollup_sketch(p.value)
        FROM points p JOIN metric_names n ON n.id = p.metric_id AND n.name = 'prediction_processing_time',
            (SELECT 60000000 AS width UNION ALL SELECT 3600000000) w
        WHERE p.run_id IN (SELECT id FROM runs)
        GROUP BY p.run_id, w.width, 3;
        INSERT INTO prediction_time_rollups (run_id, width, bucket, count, sum, slow, errors, sketch)
        SELECT p.run_id, w.width, p.ts - (((p.ts % w.width) + w.width) % w.width), 0, 0, 0, COUNT(*), NULL
        FROM points p JOIN metric_names n ON n.id = p.metric_id AND n.name = 'prediction_error',
            (SELECT 60000000 AS width UNION ALL SELECT 3600000000) w
        WHERE p.run_id IN (SELECT id FROM runs)
        GROUP BY p.run_id, w.width, 3
        ON CONFLICT (run_id, width, bucket) DO UPDATE SET errors = excluded.errors;
        INSERT INTO pipeline_rollups (run_id, width, bucket, pipeline, time_count, time_sum, time_min, time_max, success_count, success_sum)
        SELECT run_id, width, bucket, pipeline, SUM(is_time), TOTAL(CASE WHEN is_time THEN value END),
            MIN(CASE WHEN is_time THEN value END), MAX(CASE WHEN is_time THEN value END),
            SUM(NOT is_time), TOTAL(CASE WHEN NOT is_time THEN value END)
        FROM (
            SELECT p.run_id, w.width, p.ts - (((p.ts % w.width) + w.width) % w.width) AS bucket,
                summary_text(p.metadata, 'pipeline') AS pipeline, n.name = 'pipeline_execution_time' AS is_time, p.value
            FROM points p JOIN metric_names n ON n.id = p.metric_id AND n.name IN ('pipeline_execution_time', 'pipeline_success'),
                (SELECT 60000000 AS width UNION ALL SELECT 3600000000) w
            WHERE p.run_id IN (SELECT id FROM runs))
        WHERE pipeline IS NOT NULL
        GROUP BY run_id, width, bucket, pipeline;
        """;
}
