package io.hpcdask.architecture.planted.a;

import io.hpcdask.architecture.planted.b.B;

/** Half of a cycle between two packages, planted for {@code PlantedViolationsTest}. */
public class A {
    public B partner() {
        return new B();
    }
}
