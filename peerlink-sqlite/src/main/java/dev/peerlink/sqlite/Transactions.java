package dev.peerlink.sqlite;

import java.sql.Connection;
import java.sql.SQLException;

/** Runs JDBC work in one transaction: committed when it returns, rolled back when it throws; autocommit restored. */
public final class Transactions {
    private Transactions() {}

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    public static <T> T inTransaction(Connection c, Work<T> work) throws SQLException {
        c.setAutoCommit(false);
        try {
            T t = work.run(c);
            c.commit();
            return t;
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }
}
