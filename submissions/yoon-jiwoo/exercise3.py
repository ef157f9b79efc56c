# TODO: softmax / cross entropy -- will finish after the midterm (Jiwoo)
