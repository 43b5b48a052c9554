package dev.understudy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ToolsTest {

    @Test
    void aToolIsRequiredOnlyWhenTheListNamesIt() {
        assertThat(Tools.required("promtool", "promtool")).isTrue();
        assertThat(Tools.required("promtool", "kubectl, promtool")).isTrue();
        assertThat(Tools.required("promtool", "promtools")).isFalse();
        assertThat(Tools.required("promtool", "")).isFalse();
        assertThat(Tools.required("promtool", null)).isFalse();
    }
}
