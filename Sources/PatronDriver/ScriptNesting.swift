import PatronStore

/// Where a session is among the scripts it runs: the files being included (innermost last, to
/// report a cycle), how deep includes nest, whether a lesson or a report's script is running,
/// and the statement running, as written, to head its results in a report.
struct ScriptNesting {
    /// How deep includes may nest.
    static let includeLimit = 64
    /// The scripts being included, innermost last, by canonical path.
    var files: [String] = []
    /// How deep inside `include` statements the run is (0: the script or prompt itself).
    var depth = 0
    /// Whether this session runs a script for `report … from` (which may not report from another).
    var insideReport = false
    /// Whether a lesson is running (one cannot start another).
    var inLesson = false
    /// The statement running, as written.
    var statement = ""
}

/// How the last delimited load read its file, for the reader a compiled script's `load` becomes.
struct LastLoad {
    var delimiter: LoadOptions.Delimiter? = nil
    var header = true
}
