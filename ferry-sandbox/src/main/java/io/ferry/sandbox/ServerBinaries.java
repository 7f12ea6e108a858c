package io.ferry.sandbox;

import java.nio.file.Path;

/**
 * A located set of server programs.
 *
 * @param flavor which server
 * @param source where they came from
 * @param version the version string the server reports (for example {@code 10.11.19-MariaDB})
 * @param binDir directory with the server program
 * @param baseDir installation base directory
 * @param server the server program ({@code mariadbd}, {@code postgres})
 * @param initializer the program that creates a data directory ({@code mariadb-install-db}, {@code
 *     initdb})
 */
public record ServerBinaries(
    Flavor flavor,
    BinarySource source,
    String version,
    Path binDir,
    Path baseDir,
    Path server,
    Path initializer) {}
