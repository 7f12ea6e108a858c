package io.ferry.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A certificate authority of its own, and a server and a client certificate it signed, made with
 * {@code openssl} into a directory: for sandbox servers with TLS on, and for tests of Ferry's TLS
 * settings. The server certificate names 127.0.0.1 and localhost (so host names verify), the client
 * certificate travels as a PKCS12 key store.
 *
 * @param caFile the CA's certificate (PEM)
 * @param serverCert the server's certificate (PEM)
 * @param serverKey the server's private key (PEM)
 * @param clientKeyStore the client's key and certificate (PKCS12)
 * @param clientKeyStorePassword its password
 */
public record Certificates(
    Path caFile,
    Path serverCert,
    Path serverKey,
    Path clientKeyStore,
    String clientKeyStorePassword) {

  /**
   * Creates them in {@code dir} (created if needed), the server's naming 127.0.0.1 and localhost.
   */
  public static Certificates create(Path dir) {
    return create(dir, "IP:127.0.0.1,DNS:localhost");
  }

  /**
   * Creates them with the server certificate's subject alternative names given, e.g. {@code
   * DNS:db.example} for a certificate that does not name the address a test connects to.
   */
  public static Certificates create(Path dir, String subjectAltNames) {
    try {
      Files.createDirectories(dir);
      Path ext = dir.resolve("server.ext");
      Files.writeString(ext, "subjectAltName=" + subjectAltNames + "\n");
      openssl(
          dir,
          "req",
          "-x509",
          "-newkey",
          "rsa:2048",
          "-nodes",
          "-keyout",
          "ca.key",
          "-out",
          "ca.pem",
          "-days",
          "3650",
          "-subj",
          "/CN=Ferry sandbox CA " + dir.getFileName());
      for (String who : List.of("server", "client")) {
        openssl(
            dir,
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            who + ".key",
            "-out",
            who + ".csr",
            "-subj",
            "/CN=" + (who.equals("server") ? "127.0.0.1" : "ferry"));
        openssl(
            dir,
            "x509",
            "-req",
            "-in",
            who + ".csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            who + ".pem",
            "-days",
            "3650",
            "-extfile",
            who.equals("server") ? "server.ext" : "/dev/null");
      }
      openssl(
          dir,
          "pkcs12",
          "-export",
          "-in",
          "client.pem",
          "-inkey",
          "client.key",
          "-out",
          "client.p12",
          "-passout",
          "pass:ferry-client");
      return new Certificates(
          dir.resolve("ca.pem"),
          dir.resolve("server.pem"),
          dir.resolve("server.key"),
          dir.resolve("client.p12"),
          "ferry-client");
    } catch (IOException e) {
      throw new SandboxException("cannot write certificates in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The MariaDB server options that turn TLS on with these certificates. */
  public List<String> mariadbOptions() {
    return List.of("ssl-ca=" + caFile, "ssl-cert=" + serverCert, "ssl-key=" + serverKey);
  }

  private static void openssl(Path dir, String... args) {
    List<String> command = new java.util.ArrayList<>();
    command.add("openssl");
    command.addAll(List.of(args));
    List<String> inDir = List.of("sh", "-c", "cd \"$0\" && exec \"$@\"", dir.toString());
    List<String> full = new java.util.ArrayList<>(inDir);
    full.addAll(command);
    Os.Result r = Os.run(full, Duration.ofMinutes(1));
    if (r.exitCode() != 0) {
      throw new SandboxException(
          "openssl "
              + args[0]
              + " failed in "
              + dir
              + " (is the openssl package installed?):\n"
              + Os.indent(r.output()));
    }
  }
}
