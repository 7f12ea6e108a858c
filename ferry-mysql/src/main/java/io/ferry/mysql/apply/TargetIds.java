package io.ferry.mysql.apply;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.LongSupplier;

/** A target's identity as its server reports it. Stateless. */
public final class TargetIds {
  private TargetIds() {}

  /** Reads a target's {@code @@server_id} on a connection of its own; failures may pass. */
  public static LongSupplier serverIdOf(TargetSettings target) {
    return () -> {
      Properties props = new Properties();
      props.setProperty("user", target.user());
      props.setProperty("password", target.password());
      try (Connection c = target.tls().connect(target.jdbcUrl(), props);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT @@server_id")) {
        rs.next();
        return rs.getLong(1);
      } catch (SQLException e) {
        throw new ApplyException(
            "cannot read @@server_id of the target at "
                + target.address()
                + " (apply.skip-local-origin needs it): "
                + e.getMessage(),
            -1,
            null,
            null,
            null,
            null,
            e,
            true);
      }
    };
  }
}
