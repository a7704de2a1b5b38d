// swift-tools-version:6.1
// patron's fuzz targets, apart from the main package because each is linked with libFuzzer's main
// (a plain `swift build` could not link them). Build and run one with: scripts/fuzz TARGET SECONDS.
import PackageDescription

let targets = ["fuzz-query", "fuzz-csv", "fuzz-jsonl", "fuzz-param", "fuzz-copy", "fuzz-sql"]

let package = Package(
    name: "patron-fuzz",
    products: targets.map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(name: "patron", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "PatronKit", package: "patron")]),
    ] + targets.map {
        .executableTarget(name: $0, dependencies: ["FuzzSupport", .product(name: "PatronKit", package: "patron")])
    }
)
