package org.jclone.core.config;

/** The format rule of clone_valid_donor_list: "host:port[,host:port...]" with no spaces. */
public final class DonorList {
    private DonorList() {}

    public static boolean isValid(String value) {
        if (value == null) {
            return true;
        }
        if (value.contains(" ")) {
            return false;
        }
        for (String entry : value.split(",", -1)) {
            int colon = entry.indexOf(':');
            if (colon <= 0) {
                return false;
            }
            String port = entry.substring(colon + 1);
            if (port.isEmpty() || !port.chars().allMatch(Character::isDigit) || port.length() > 9) {
                return false;
            }
        }
        return true;
    }
}
