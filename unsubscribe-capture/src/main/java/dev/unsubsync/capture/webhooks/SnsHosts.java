package dev.unsubsync.capture.webhooks;

import dev.unsubsync.kit.FrameworkFree;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which hosts SNS signing certificates and confirmation URLs may come from: exactly {@code sns.<region>.amazonaws.com}
 * for a region of the commercial or GovCloud partitions, or {@code sns.<region>.amazonaws.com.cn} for a China region. A
 * region that looks right but does not exist ({@code sns.evil-1.amazonaws.com}) is refused; regions opened after this
 * list was written are added with {@code capture.webhooks.ses.extra-regions}.
 */
@FrameworkFree
public final class SnsHosts {

    private static final Pattern HOST = Pattern.compile("sns\\.([a-z0-9-]+)\\.amazonaws\\.com(\\.cn)?");
    private static final Set<String> REGIONS = Set.of(
            "us-east-1", "us-east-2", "us-west-1", "us-west-2", "af-south-1", "ap-east-1", "ap-east-2", "ap-south-1", "ap-south-2",
            "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
            "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1", "eu-central-2", "eu-north-1",
            "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3", "il-central-1", "me-central-1", "me-south-1", "mx-central-1",
            "sa-east-1", "us-gov-east-1", "us-gov-west-1");
    private static final Set<String> CHINA_REGIONS = Set.of("cn-north-1", "cn-northwest-1");

    private final Set<String> extraRegions;

    /** @param extraRegions regions to accept beyond the built-in list (commercial partition, {@code .amazonaws.com}) */
    public SnsHosts(Set<String> extraRegions) {
        this.extraRegions = Set.copyOf(extraRegions);
    }

    /** The region a host is the SNS endpoint of, if it is one. */
    public Optional<String> regionOf(String host) {
        if (host == null) {
            return Optional.empty();
        }
        Matcher m = HOST.matcher(host);
        if (!m.matches()) {
            return Optional.empty();
        }
        String region = m.group(1);
        boolean china = m.group(2) != null;
        boolean known = china ? CHINA_REGIONS.contains(region) : REGIONS.contains(region) || extraRegions.contains(region);
        return known ? Optional.of(region) : Optional.empty();
    }

    /** The region of an SNS topic ARN ({@code arn:aws:sns:<region>:<account>:<name>}), if it has one. */
    public static Optional<String> regionOfTopic(String topicArn) {
        String[] parts = topicArn == null ? new String[0] : topicArn.split(":", 6);
        return parts.length == 6 && parts[0].equals("arn") && parts[2].equals("sns") ? Optional.of(parts[3]) : Optional.empty();
    }
}
