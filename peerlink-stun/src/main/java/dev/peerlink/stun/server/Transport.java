package dev.peerlink.stun.server;

/** Which Netty transport the server runs on. */
public enum Transport {
    /** Native epoll (recvmmsg/sendmmsg, SO_REUSEPORT) when the platform has it, else NIO. */
    AUTO,
    /** Native epoll; {@link StunServer#start} fails if it is unavailable. */
    EPOLL,
    /** The JDK's NIO selector: portable, one syscall per datagram. */
    NIO
}
