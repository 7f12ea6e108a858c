package io.ferry.mysql;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.network.SSLMode;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS towards a MariaDB/MySQL server, for SQL connections (the JDBC driver) and the binlog stream
 * (the replication client) alike.
 *
 * @param mode how much TLS is asked for
 * @param caFile the certificate (PEM) of the CA that signed the server's, or null for the JVM's
 *     trusted ones
 * @param keyStore a PKCS12 or JKS key store with this client's certificate and key (for servers
 *     that require one), or null
 * @param keyStorePassword its password
 */
public record DbTls(Mode mode, Path caFile, Path keyStore, String keyStorePassword) {

  /** How much TLS. */
  public enum Mode {
    /** Plain TCP. */
    OFF,
    /** TLS when the server offers it, without verifying the server; plain TCP otherwise. */
    PREFERRED,
    /** TLS, without verifying the server's certificate. */
    REQUIRED,
    /** TLS, and the server's certificate must be signed by the CA. */
    VERIFY_CA,
    /** TLS, the CA's signature, and the certificate must name the host connected to. */
    VERIFY_FULL;

    /** Reads off, preferred, required, verify-ca or verify-full. */
    public static Mode parse(String text) {
      for (Mode m : values()) {
        if (m.text().equals(text.trim().toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "'" + text + "' is not a TLS mode: off, preferred, required, verify-ca or verify-full");
    }

    public String text() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public static final DbTls OFF = new DbTls(Mode.OFF, null, null, null);

  public DbTls {
    if (mode == null) {
      throw new IllegalArgumentException("a TLS mode is needed");
    }
    keyStorePassword = keyStorePassword == null ? "" : keyStorePassword;
  }

  /**
   * Opens a JDBC connection with these TLS settings. With {@link Mode#PREFERRED}, a server that
   * does not offer TLS gets a plain connection.
   */
  public Connection connect(String url, Properties props) throws SQLException {
    Properties p = new Properties();
    p.putAll(props);
    p.setProperty("sslMode", jdbcMode());
    if (mode != Mode.OFF) {
      if (caFile != null) {
        p.setProperty("serverSslCert", caFile.toString());
      }
      if (keyStore != null) {
        p.setProperty("keyStore", keyStore.toString());
        p.setProperty("keyStorePassword", keyStorePassword);
        p.setProperty("keyStoreType", storeType(keyStore));
      }
    }
    try {
      return DriverManager.getConnection(url, p);
    } catch (SQLException e) {
      if (mode == Mode.PREFERRED && mentionsTlsUnavailable(e)) {
        p.setProperty("sslMode", "disable");
        return DriverManager.getConnection(url, p);
      }
      throw e;
    }
  }

  /**
   * Why the server's certificate was refused, if that is what failed: a CA that did not sign it, a
   * name it does not carry. Null for other failures, TLS ones included (a handshake cut short by a
   * restarting server passes with time; a refused certificate does not).
   */
  public static String refusal(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertificateException
          || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
        return t.getMessage();
      }
      String m = t.getMessage() == null ? "" : t.getMessage();
      if (m.contains("PKIX path")
          || m.contains("No subject alternative")
          || m.contains("No name matching")
          || m.contains("certificate_unknown")
          || m.contains("unable to find valid certification path")) {
        return m;
      }
    }
    return null;
  }

  /** What a TLS refusal means for a setting prefix (source, target), and what to check. */
  public String explain(String prefix, String address, String why) {
    return "TLS with the "
        + prefix
        + " at "
        + address
        + " failed ("
        + prefix
        + ".tls = "
        + mode.text()
        + (caFile != null ? ", " + prefix + ".tls.ca = " + caFile : "")
        + "): "
        + why
        + ". Check that "
        + prefix
        + ".tls.ca is the CA that signed the server's certificate"
        + (mode == Mode.VERIFY_FULL ? " and that the certificate names " + prefix + ".host" : "")
        + ", or lower "
        + prefix
        + ".tls";
  }

  private String jdbcMode() {
    return switch (mode) {
      case OFF -> "disable";
      case PREFERRED, REQUIRED -> "trust";
      case VERIFY_CA -> "verify-ca";
      case VERIFY_FULL -> "verify-full";
    };
  }

  private static boolean mentionsTlsUnavailable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (m.contains("ssl not enabled")
          || m.contains("ssl is not enabled")
          || m.contains("server does not support ssl")
          || m.contains("ssl not supported")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Sets the replication client's TLS: its mode, and the CA and key store when given. With
   * verify-full the certificate must name {@code host} as configured (a DNS name or an IP address),
   * checked by Java's own endpoint identification: the client's check would compare the reverse DNS
   * name of the address instead.
   */
  public void configure(BinaryLogClient client, String host) {
    client.setSSLMode(
        switch (mode) {
          case OFF -> SSLMode.DISABLED;
          case PREFERRED -> SSLMode.PREFERRED;
          case REQUIRED -> SSLMode.REQUIRED;
          case VERIFY_CA, VERIFY_FULL -> SSLMode.VERIFY_CA;
        });
    if (mode != Mode.OFF && (caFile != null || keyStore != null || mode == Mode.VERIFY_FULL)) {
      SSLContext context = context();
      client.setSslSocketFactory(
          (Socket s) -> {
            try {
              SSLSocket ssl =
                  (SSLSocket) context.getSocketFactory().createSocket(s, host, s.getPort(), true);
              if (mode == Mode.VERIFY_FULL) {
                javax.net.ssl.SSLParameters p = ssl.getSSLParameters();
                p.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(p);
              }
              return ssl;
            } catch (IOException e) {
              SocketException se = new SocketException("cannot start TLS: " + e.getMessage());
              se.initCause(e);
              throw se;
            }
          });
    }
  }

  /** The TLS context of the replication client: the CA (or no check) and the key store. */
  private SSLContext context() {
    try {
      TrustManager[] trust;
      if (mode == Mode.PREFERRED || mode == Mode.REQUIRED) {
        trust = new TrustManager[] {new TrustEveryServer()};
      } else if (caFile != null) {
        KeyStore ts = KeyStore.getInstance(KeyStore.getDefaultType());
        ts.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
          int i = 0;
          for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            ts.setCertificateEntry("ca-" + i++, c);
          }
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        trust = tmf.getTrustManagers();
      } else {
        trust = null; // the JVM's
      }
      javax.net.ssl.KeyManager[] keys = null;
      if (keyStore != null) {
        KeyStore ks = KeyStore.getInstance(storeType(keyStore));
        try (InputStream in = Files.newInputStream(keyStore)) {
          ks.load(in, keyStorePassword.toCharArray());
        }
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, keyStorePassword.toCharArray());
        keys = kmf.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read the TLS files ("
              + (caFile != null ? "CA " + caFile : "")
              + (keyStore != null ? " key store " + keyStore : "")
              + "): "
              + e.getMessage(),
          e);
    }
  }

  private static String storeType(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".jks") ? "JKS" : "PKCS12";
  }

  /** For required and preferred: the channel is encrypted, the server is not verified. */
  @SuppressWarnings("TrustAllCertificates") // the modes that ask for no verification
  private static final class TrustEveryServer implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  @Override
  public String toString() {
    return "DbTls[" + mode.text() + (caFile != null ? ", ca " + caFile : "") + "]";
  }
}
