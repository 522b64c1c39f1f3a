package dev.peerlink.cli;

import dev.peerlink.peer.share.AccessDecider;
import dev.peerlink.share.wire.ShareBody;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/**
 * Asks the person at the terminal (stderr prompt, stdin answer) whether to serve each requester the policy admits;
 * no answer before the request expires declines it.
 */
final class PromptDecider implements AccessDecider {
    private final AccessDecider policy;
    private final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

    PromptDecider(AccessDecider policy) {
        this.policy = policy;
    }

    @Override
    public Decision decide(ShareBody.AccessRequest r) {
        Decision d = policy.decide(r);
        if (d instanceof Decline) {
            return d;
        }
        System.err.printf("share with %s (%s, %s m away)? [y/N] ", r.requester(), r.scene().wire(),
                r.distanceMeters() < 0 ? "?" : Long.toString(r.distanceMeters()));
        try {
            while (System.currentTimeMillis() < r.expiresAt()) {
                if (in.ready()) {
                    String line = in.readLine();
                    return line != null && line.trim().equalsIgnoreCase("y") ? new Accept() : new Decline("refused");
                }
                Thread.sleep(50); // polling the terminal: System.in has no timed read
            }
        } catch (IOException e) {
            return new Decline("error");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Decline("error");
        }
        System.err.println("(no answer: declined)");
        return new Decline("no-answer");
    }
}
