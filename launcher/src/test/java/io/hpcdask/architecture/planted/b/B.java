package io.hpcdask.architecture.planted.b;

import io.hpcdask.architecture.planted.a.A;

/** The other half of the planted cycle. */
public class B {
    public A partner() {
        return new A();
    }
}
