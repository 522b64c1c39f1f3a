package dev.peerlink.peer;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Ed25519;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Set;

/**
 * A device's Ed25519 key pair, created on first run and kept under its home directory:
 * {@code device.key} (PKCS#8, PEM, mode 0600) and {@code device.pub} (SubjectPublicKeyInfo, PEM).
 * The home directory is created with mode 0700. The server binds the device id to this key on
 * first registration; losing the key means the id can no longer be used on that server.
 */
public final class DeviceIdentity {
    public static final String PRIVATE_KEY_FILE = "device.key";
    public static final String PUBLIC_KEY_FILE = "device.pub";

    private final DeviceId id;
    private final KeyPair keys;

    private DeviceIdentity(DeviceId id, KeyPair keys) {
        this.id = id;
        this.keys = keys;
    }

    /** The default home of a device: {@code ~/.peerlink/<id>}. */
    public static Path defaultHome(DeviceId id) {
        return Path.of(System.getProperty("user.home"), ".peerlink", id.value());
    }

    /** Loads the key pair from {@code home}, creating it (and the directory) on first use. */
    public static DeviceIdentity loadOrCreate(DeviceId id, Path home) throws IOException {
        Path key = home.resolve(PRIVATE_KEY_FILE);
        Path pub = home.resolve(PUBLIC_KEY_FILE);
        if (Files.exists(key)) {
            return new DeviceIdentity(id, load(key, pub));
        }
        createPrivateDir(home);
        KeyPair kp;
        try {
            kp = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IOException("this JDK has no Ed25519", e);
        }
        try {
            write(key, pem("PRIVATE KEY", kp.getPrivate().getEncoded()), true);
        } catch (FileAlreadyExistsException e) {
            return new DeviceIdentity(id, load(key, pub)); // another process created it first
        }
        write(pub, pem("PUBLIC KEY", kp.getPublic().getEncoded()), false);
        return new DeviceIdentity(id, kp);
    }

    /** A key pair that lives only in memory (tests, ephemeral devices). */
    public static DeviceIdentity ephemeral(DeviceId id) {
        try {
            return new DeviceIdentity(id, KeyPairGenerator.getInstance("Ed25519").generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    public DeviceId deviceId() {
        return id;
    }

    public PublicKey publicKey() {
        return keys.getPublic();
    }

    public PrivateKey privateKey() {
        return keys.getPrivate();
    }

    /** The public key as the protocol carries it (raw 32 bytes, base64url). */
    public String publicKeyText() {
        return Ed25519.encodePublicKey(keys.getPublic());
    }

    private static KeyPair load(Path key, Path pub) throws IOException {
        try {
            KeyFactory kf = KeyFactory.getInstance("Ed25519");
            PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(unpem(Files.readString(key))));
            PublicKey p = kf.generatePublic(new X509EncodedKeySpec(unpem(Files.readString(pub))));
            return new KeyPair(p, priv);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IOException("unreadable device key in " + key.getParent() + ": " + e.getMessage(), e);
        }
    }

    private static void createPrivateDir(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (posix(dir.toAbsolutePath().getRoot())) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            Files.createDirectories(dir);
        }
    }

    private static void write(Path file, String text, boolean secret) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        if (posix(file.getParent())) {
            Set<PosixFilePermission> perms = PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--");
            Files.write(Files.createFile(file, PosixFilePermissions.asFileAttribute(perms)), bytes, StandardOpenOption.WRITE);
            Files.setPosixFilePermissions(file, perms); // umask may have narrowed or (never) widened it
        } else {
            Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    private static boolean posix(Path p) {
        return p != null && p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(String text) {
        String body = text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
