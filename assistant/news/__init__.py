"""What makes news answers different: who reported it and when (`attribution`), outlets that
agree or disagree (`conflicts`, `contradiction`), wire copies (`copies`), time phrases and "as of"
(`timeref`), a story's timeline (`timeline`) and example questions from the newest stories."""
