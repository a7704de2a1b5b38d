// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "patron",
    products: [
        .executable(name: "patron", targets: ["patron"]),
        .executable(name: "patron-bench", targets: ["patron-bench"]),
        // Every module, for the fuzz targets' package (Fuzz/), which builds them with libFuzzer.
        .library(name: "PatronKit", targets: ["PatronStore", "PatronSyntax", "PatronAnalysis", "PatronEngine", "PatronRender",
                                             "PatronDriver", "PatronPostgres", "PatronSQL", "PatronModels", "PatronPlan", "PatronServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.1.1"),
    ],
    targets: [
        // The columnar store: typed columns, tables, file loaders. Knows nothing of the language.
        // The load loop's class-held buffers turn off the dynamic exclusivity check property by
        // property (`@exclusivity(unchecked)` in FieldSinks.swift, with the measurement there).
        .target(name: "PatronStore"),
        // Source text → tokens → syntax tree, with spans and diagnostics. Knows nothing of data.
        .target(name: "PatronSyntax"),
        // Binds names to columns and level words to cut points; checks types; suggests fixes.
        .target(name: "PatronAnalysis", dependencies: ["PatronStore", "PatronSyntax"]),
        // The customer-base models of the retention literature (BG/NBD, Gamma-Gamma): likelihoods,
        // maximum-likelihood fits with standard errors, per-customer expectations. Pure numerics.
        .target(name: "PatronModels", dependencies: [.product(name: "RealModule", package: "swift-numerics")]),
        // Runs bound statements column-at-a-time over selections. Never formats text.
        .target(name: "PatronEngine", dependencies: ["PatronStore", "PatronAnalysis", "PatronModels", "PatronPlan", "CPrefetch"]),
        // The CPU's prefetch hint, which Swift does not expose.
        .target(name: "CPrefetch"),
        // Tables, numbers and diagnostics as text. Pure functions; never evaluates.
        .target(name: "PatronRender", dependencies: ["PatronStore", "PatronSyntax", "PatronEngine", "PatronModels"],
                plugins: ["VersionStamp"]),
        // One entry point shared by the REPL and the script runner.
        .target(name: "PatronDriver", dependencies: ["PatronStore", "PatronSyntax", "PatronAnalysis", "PatronEngine", "PatronRender", "PatronPostgres", "PatronSQL",
                                                    "PatronServer", "CSignals"]),
        // A file written under a temporary name is removed when a signal ends the process.
        .target(name: "CSignals"),
        // PostgreSQL's client library, libpq (Debian's libpq-dev).
        .systemLibrary(name: "CLibPQ"),
        // Loads from and writes to PostgreSQL: binary COPY into the store's columns, and back.
        .target(name: "PatronPostgres", dependencies: ["PatronStore", "CLibPQ"]),
        // The logical plan: a schema, relational nodes, typed scalars (levels under order statistics,
        // labels by rules); every statement that reads data is lowered to one here, once.
        .target(name: "PatronPlan", dependencies: ["PatronStore", "PatronSyntax", "PatronAnalysis"]),
        // Writes plans as SQL (a syntax tree, then each dialect's text) that gives the answers patron
        // gives in memory (docs/sql.md).
        .target(name: "PatronSQL", dependencies: ["PatronStore", "PatronSyntax", "PatronAnalysis", "PatronPlan"]),
        // Runs bound statements on the PostgreSQL server that holds their table: compiled from
        // their plans, sent once, read back by name into the engine's results.
        .target(name: "PatronServer", dependencies: ["PatronStore", "PatronAnalysis", "PatronEngine", "PatronPostgres", "PatronSQL", "PatronPlan"]),
        // A small C shim over libedit's variadic calls.
        .target(name: "CEditLine", linkerSettings: [.linkedLibrary("edit")]),
        // The line-editing prompt. Sees only the driver.
        .target(name: "PatronREPL", dependencies: ["PatronDriver", "CEditLine"]),
        .executableTarget(name: "patron", dependencies: [
            "PatronAnalysis", "PatronDriver", "PatronREPL", "PatronRender", "PatronSQL",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Stamps PatronRender with VERSION and the commit it is built from (`patron --version`, the
        // prompt's greeting, a report's generator).
        .plugin(name: "VersionStamp", capability: .buildTool()),
        // Prints the benchmark JSON contract of ../shared/bench/bench_common.py.
        .executableTarget(name: "patron-bench", dependencies: [
            "PatronStore", "PatronSyntax", "PatronAnalysis", "PatronEngine",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "PatronTests", dependencies: [
            "PatronStore", "PatronSyntax", "PatronAnalysis", "PatronEngine", "PatronRender", "PatronDriver", "PatronPostgres", "PatronSQL", "PatronModels", "PatronPlan", "PatronServer",
        ]),
    ]
)
