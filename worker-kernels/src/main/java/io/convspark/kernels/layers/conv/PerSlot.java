package io.convspark.kernels.layers.conv;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * One workspace per slot of a parallel loop, made on first use and kept while the slot count stays
 * (made anew when it changes).
 */
final class PerSlot<T> {
    private final Supplier<T> make;
    private List<T> slots = List.of();

    PerSlot(Supplier<T> make) {
        this.make = make;
    }

    /** The workspaces of {@code count} slots. */
    List<T> of(int count) {
        if (slots.size() != count) {
            List<T> made = new ArrayList<>(count);
            for (int s = 0; s < count; s++) {
                made.add(make.get());
            }
            slots = made;
        }
        return slots;
    }
}
