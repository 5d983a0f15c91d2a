package io.hpcdask.server.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DaskTagsTest {
    @Test
    void pairsOfOneTagBecomeRequirements() {
        DaskTags.Parsed p = DaskTags.parse(List.of("dask:bar=1 baz=2"));
        assertThat(p.requires()).isEqualTo(Map.of("bar", 1L, "baz", 2L));
        assertThat(p.warnings()).isEmpty();
    }

    @Test
    void severalTagsMergeAndTheLaterWins() {
        DaskTags.Parsed p = DaskTags.parse(List.of("dask:foo=1 bar=1", "other", "dask:foo=3 baz=1"));
        assertThat(p.requires()).isEqualTo(Map.of("foo", 3L, "bar", 1L, "baz", 1L));
        assertThat(DaskTags.format(p.requires())).isEqualTo("bar=1 baz=1 foo=3");
    }

    @Test
    void malformedPieceIsDroppedWithGuildsWarning() {
        DaskTags.Parsed p = DaskTags.parse(List.of("dask:bar foo=2"));
        assertThat(p.requires()).isEqualTo(Map.of("foo", 2L));
        assertThat(p.warnings()).containsExactly(
                "Ignoring invalid dask resources spec 'bar': parts must be in format KEY=VAL");
    }

    @Test
    void nonNumericValueIsDroppedAndMemoryTakesUnits() {
        DaskTags.Parsed p = DaskTags.parse(List.of("dask:foo=x memory=2G gpu=0"));
        assertThat(p.requires()).isEqualTo(Map.of("memory", 2L << 30));
        assertThat(p.warnings()).singleElement().asString().startsWith("Ignoring invalid dask resources spec 'foo=x'");
    }

    @Test
    void tagsWithoutThePrefixAreNotRequirements() {
        assertThat(DaskTags.parse(List.of("foo=1", "Dask:foo=1")).requires()).isEmpty();
        assertThat(DaskTags.parse(null).requires()).isEmpty();
    }
}
