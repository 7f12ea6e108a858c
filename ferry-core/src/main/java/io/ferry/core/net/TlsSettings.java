package io.ferry.core.net;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for THL transfer: a master presents the certificate in its key store; a replica trusts the
 * certificates in its trust store (or the JVM's default trust when none is given). Stores are
 * PKCS12 or JKS files, as {@code keytool} writes them. The replica checks the master's certificate
 * chain, not its host name (masters are usually addressed by IP inside a site). Immutable;
 * passwords are masked in {@code toString}.
 *
 * @param keyStore the master's key store, or null on a replica
 * @param keyStorePassword its password
 * @param trustStore the replica's trust store, or null for the JVM default
 * @param trustStorePassword its password
 */
public record TlsSettings(
    Path keyStore, String keyStorePassword, Path trustStore, String trustStorePassword) {

  /** The context a master listens with. */
  public SSLContext serverContext() {
    if (keyStore == null) {
      throw new IllegalArgumentException("a TLS master needs a key store");
    }
    try {
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(load(keyStore, keyStorePassword), chars(keyStorePassword));
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf.getKeyManagers(), null, null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot use key store " + keyStore + ": " + e.getMessage(), e);
    }
  }

  /** The context a replica connects with. */
  public SSLContext clientContext() {
    try {
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trustStore == null ? null : load(trustStore, trustStorePassword));
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot use trust store " + trustStore + ": " + e.getMessage(), e);
    }
  }

  private static KeyStore load(Path file, String password) {
    try (InputStream in = Files.newInputStream(file)) {
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(in, chars(password));
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "cannot read key store " + file + ": " + e.getMessage() + " (wrong password?)", e);
    }
  }

  private static char[] chars(String password) {
    return password == null ? new char[0] : password.toCharArray();
  }

  @Override
  public String toString() {
    return "TlsSettings[keyStore=" + keyStore + ", trustStore=" + trustStore + ", passwords=*****]";
  }
}
