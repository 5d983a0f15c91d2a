package io.hpcdask.protocol;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An amount of memory as a user wrote it. K M G T and KiB MiB GiB TiB are binary (as SLURM and PBS read them);
 * KB MB GB TB are decimal (as dask-jobqueue reads them). Requests written for a batch system are never below
 * what the user asked: binary amounts are written exactly, decimal ones are rounded up.
 */
public final class Memory {
    public static final String ACCEPTED_FORM =
            "a positive amount with a unit, e.g. 8G, 1536M, 500MB (K M G T and KiB MiB GiB TiB are binary, KB MB GB TB decimal)";

    private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGTkmgt])(i?[Bb])?");
    private static final String[] BINARY_UNITS = {"K", "M", "G", "T"};

    private final String text;
    private final long bytes;
    private final boolean decimal;

    private Memory(String text, long bytes, boolean decimal) {
        this.text = text;
        this.bytes = bytes;
        this.decimal = decimal;
    }

    public static Memory parse(String text) {
        if (text == null) {
            throw new InvalidValueException("expected " + ACCEPTED_FORM);
        }
        Matcher m = FORM.matcher(text.trim());
        if (!m.matches()) {
            throw new InvalidValueException("'" + text + "' is not " + ACCEPTED_FORM);
        }
        int power = "KMGT".indexOf(Character.toUpperCase(m.group(2).charAt(0))) + 1;
        String suffix = m.group(3) == null ? "" : m.group(3).toLowerCase(Locale.ROOT);
        boolean decimal = suffix.equals("b");
        BigInteger unit = decimal ? BigInteger.TEN.pow(3 * power) : BigInteger.TWO.pow(10 * power);
        BigDecimal exact = new BigDecimal(m.group(1)).multiply(new BigDecimal(unit));
        BigInteger bytes = exact.setScale(0, RoundingMode.CEILING).toBigIntegerExact();
        if (bytes.signum() <= 0) {
            throw new InvalidValueException("'" + text + "' is not " + ACCEPTED_FORM);
        }
        if (bytes.bitLength() > 62) {
            throw new InvalidValueException("'" + text + "' is too large; expected " + ACCEPTED_FORM);
        }
        String canonical = m.group(1) + m.group(2).toUpperCase(Locale.ROOT)
                + (decimal ? "B" : suffix.isEmpty() ? "" : "iB");
        return new Memory(canonical, bytes.longValueExact(), decimal);
    }

    public static Memory ofBytes(long bytes) {
        if (bytes <= 0) {
            throw new InvalidValueException("memory must be positive, got " + bytes + " bytes");
        }
        Memory m = new Memory("", bytes, false);
        return new Memory(m.exactInLargestWholeUnit(""), bytes, false);
    }

    public long bytes() {
        return bytes;
    }

    public boolean isDecimal() {
        return decimal;
    }

    /**
     * Exactly, in the largest binary unit that holds it whole, then {@code suffix}: {@code 1536M}, {@code 8G} (or in
     * K rounded up below 1K). Batch systems read binary amounts this way.
     */
    public String exactInLargestWholeUnit(String suffix) {
        for (int p = BINARY_UNITS.length; p >= 1; p--) {
            long unit = 1L << (10 * p);
            if (bytes % unit == 0) {
                return (bytes / unit) + BINARY_UNITS[p - 1] + suffix;
            }
        }
        return ceilDiv(bytes, 1024) + "K" + suffix;
    }

    /**
     * Rounded up, in the largest binary unit of which it holds at least {@code minimum}, then {@code suffix}: never
     * below the amount, and with {@code minimum} as the bound on how much rounding up may add.
     */
    public String ceilInUnitWithAtLeast(long minimum, String suffix) {
        for (int p = BINARY_UNITS.length; p >= 1; p--) {
            long unit = 1L << (10 * p);
            if (bytes >= minimum * unit) {
                return ceilDiv(bytes, unit) + BINARY_UNITS[p - 1] + suffix;
            }
        }
        return ceilDiv(bytes, 1024) + "K" + suffix;
    }

    private static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }

    /** The amount as the user wrote it, normalised (e.g. {@code 8G}, {@code 28GB}); parses back to the same bytes. */
    @Override
    public String toString() {
        return text;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Memory other && other.bytes == bytes;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(bytes);
    }
}
