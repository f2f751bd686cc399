package org.jclone.it.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The repetitions of one measurement; the report gives their minimum and median. */
public final class Samples {

    private final List<Double> values = new ArrayList<>();

    public Samples add(double value) {
        values.add(value);
        return this;
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    public int count() {
        return values.size();
    }

    public List<Double> values() {
        return List.copyOf(values);
    }

    public double min() {
        return sorted().get(0);
    }

    public double max() {
        List<Double> s = sorted();
        return s.get(s.size() - 1);
    }

    /** The middle value; the mean of the two middle ones for an even count. */
    public double median() {
        List<Double> s = sorted();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private List<Double> sorted() {
        if (values.isEmpty()) {
            throw new IllegalStateException("no samples");
        }
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        return s;
    }
}
